package dev.sluice.server.helidon;

import dev.sluice.api.ErrorCodec;
import dev.sluice.api.SluiceException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * The answers Helidon gives itself, before Sluice sees a request (a request line over its length
 * limit, malformed headers, a Content-Encoding other than gzip), in the OpenAI error format like
 * every other error. The message is Sluice's own: Helidon's may quote what the client sent.
 */
final class TransportErrors implements DirectHandler {
    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        SluiceException error = switch (status.code()) {
            case 414 -> new SluiceException(414, "invalid_request_error", "uri_too_long", null,
                    "The request line (path and query) is too long. Send fewer or shorter query parameters.");
            case 413 -> new SluiceException(413, "invalid_request_error", "request_too_large", null,
                    "The request is too large.");
            case 431 -> new SluiceException(431, "invalid_request_error", "headers_too_large", null,
                    "The request headers are too large.");
            default -> status.code() >= 500
                    ? new SluiceException(status.code(), "server_error", "internal_error", null,
                            "The server could not handle the request. Retry.")
                    : new SluiceException(status.code(), "invalid_request_error", "bad_request", null,
                            "The HTTP request could not be read: a malformed request line or header, or a"
                                    + " Content-Encoding other than gzip.");
        };
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(eventType.keepAlive())
                .entity(ErrorCodec.write(error))
                .build();
    }
}
