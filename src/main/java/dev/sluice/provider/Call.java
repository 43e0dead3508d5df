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
 */
public record Call(String upstreamModel, String requestId, Map<String, String> headers, Duration timeout) {
    public Call {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
