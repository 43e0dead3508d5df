package dev.sluice.pipeline;

import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.SluiceException;

/** What the pipeline answers: a completion, a stream of chunks, embeddings, or a failure. */
public sealed interface Reply {

    /**
     * @param wire the answer's bytes as the upstream sent them, when they are exactly what Sluice writes for
     *             {@code response} (then they are sent as they are); null to write {@code response}. A stage that
     *             answers with another response makes a new {@code Chat} without them.
     */
    record Chat(ChatResponse response, byte[] wire) implements Reply {
        public Chat(ChatResponse response) {
            this(response, null);
        }
    }

    record Stream(ChunkStream chunks) implements Reply {}

    record Embeddings(EmbeddingResponse response) implements Reply {}

    record Failure(SluiceException error) implements Reply {}

    static Reply fail(SluiceException error) {
        return new Failure(error);
    }
}
