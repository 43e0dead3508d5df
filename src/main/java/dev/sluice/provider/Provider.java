package dev.sluice.provider;

import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.SluiceException;

/**
 * An upstream LLM API, spoken in its own wire format and translated to and from Sluice's
 * canonical (OpenAI) format. Calls block (they run on virtual threads). Failures are thrown as
 * {@link UpstreamException}s carrying a classified {@link ErrorClass}.
 */
public interface Provider {

    /** The provider's name in config, e.g. "openai" or "local-vllm". */
    String name();

    ChatResponse chat(ChatRequest request, Call call);

    /**
     * A whole answer, and its bytes as the upstream sent them when they are exactly what Sluice would write
     * for it ({@link dev.sluice.api.CanonicalAnswer}): then the client is sent those bytes, not a second
     * generation of the same JSON.
     *
     * @param wire null when the answer must be written from {@code response}
     */
    record Answer(ChatResponse response, byte[] wire) {}

    /** {@link #chat}, with the answer's own bytes when the provider can tell they need no rewriting. */
    default Answer chatAnswer(ChatRequest request, Call call) {
        return new Answer(chat(request, call), null);
    }

    /**
     * Opens a stream. Returns once the upstream accepted the request (status 2xx), so failures
     * before the first byte are thrown here, and failures after it from {@code next()}.
     */
    ChunkStream stream(ChatRequest request, Call call);

    default EmbeddingResponse embed(EmbeddingRequest request, Call call) {
        throw new SluiceException(400, "invalid_request_error", "unsupported_operation", "model",
                "The provider '" + name() + "' behind model '" + request.model() + "' does not serve embeddings.");
    }
}
