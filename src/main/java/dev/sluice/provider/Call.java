package dev.sluice.provider;

import java.time.Duration;
import java.util.Map;

/**
 * How to make one upstream call.
 *
 * @param upstreamModel  the model name the upstream knows
 * @param requestId      Sluice's request id, sent upstream for correlation
 * @param headers        extra headers to send (already filtered by the provider's forward list)
 * @param timeout        longest wait for the upstream's next byte
 * @param clientBody     the client's chat request body as it came, when it may go to an OpenAI-compatible
 *                       upstream as it is (nothing changed the request; see
 *                       {@link dev.sluice.pipeline.Exchange#forwardableBody}); null otherwise. A provider sends
 *                       it only when its upstream model name is the request's own.
 */
public record Call(String upstreamModel, String requestId, Map<String, String> headers, Duration timeout,
                   byte[] clientBody) {
    public Call {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public Call(String upstreamModel, String requestId, Map<String, String> headers, Duration timeout) {
        this(upstreamModel, requestId, headers, timeout, null);
    }
}
