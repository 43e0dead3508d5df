package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import dev.sluice.api.SluiceException;

/** How one provider words its errors: the body shape, the error types and the request-id header. */
interface Dialect {
    String RETRY_AFTER = "retry-after";

    /** The error an injected failure with this HTTP status returns. */
    SluiceException injected(int status, int retryAfterSeconds);

    /** The provider's 400 for a prompt longer than the context window. */
    SluiceException contextTooLong(int promptTokens, int contextWindow);

    byte[] errorBody(SluiceException error);

    /** The (lower-case) header carrying the id of every response, e.g. {@code x-request-id}. */
    String requestIdHeader();

    default void sendError(HttpCall res, SluiceException error) {
        if (error.retryAfter() != null) {
            res.header(RETRY_AFTER, Long.toString(error.retryAfter().toSeconds()));
        }
        res.send(error.status(), "application/json", errorBody(error));
    }
}
