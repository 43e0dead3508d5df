package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import dev.sluice.api.SluiceException;

/**
 * Any other path: OpenAI's JSON 404 rather than a bare text one, and recorded like every request,
 * so a gateway calling the wrong URL shows up in {@link Simulator#recorded()}.
 */
final class NotFoundHandler extends SimEndpoint {

    NotFoundHandler(SimContext sim, Dialect dialect) {
        super(sim, dialect);
    }

    @Override
    protected void serve(Received received, HttpCall res) {
        throw new SluiceException(404, "invalid_request_error", "unknown_url", null, "Unknown request URL: "
                + received.http().method() + " " + received.http().rawPath()
                + ". The simulator serves /v1/chat/completions, /v1/embeddings, /v1/messages, /v1/models,"
                + " /v1beta/models/{model}:generateContent (and :streamGenerateContent, :batchEmbedContents)"
                + " and /openai/deployments/{deployment}/chat/completions (and /embeddings).");
    }
}
