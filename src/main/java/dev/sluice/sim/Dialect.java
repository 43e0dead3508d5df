package dev.sluice.sim;

import dev.sluice.api.SluiceException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** How one provider words its errors: the body shape, the error types and the request-id header. */
interface Dialect {
    HeaderName RETRY_AFTER = HeaderNames.create("retry-after");

    /** The error an injected failure with this HTTP status returns. */
    SluiceException injected(int status, int retryAfterSeconds);

    /** The provider's 400 for a prompt longer than the context window. */
    SluiceException contextTooLong(int promptTokens, int contextWindow);

    byte[] errorBody(SluiceException error);

    /** The header carrying the id of every response, e.g. {@code x-request-id}. */
    HeaderName requestIdHeader();

    default void sendError(ServerResponse res, SluiceException error) {
        res.status(Status.create(error.status()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (error.retryAfter() != null) {
            res.header(RETRY_AFTER, Long.toString(error.retryAfter().toSeconds()));
        }
        res.send(errorBody(error));
    }
}
