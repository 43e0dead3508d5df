package dev.sluice.pipeline;

import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.SluiceException;

/** What the pipeline answers: a completion, a stream of chunks, embeddings, or a failure. */
public sealed interface Reply {

    record Chat(ChatResponse response) implements Reply {}

    record Stream(ChunkStream chunks) implements Reply {}

    record Embeddings(EmbeddingResponse response) implements Reply {}

    record Failure(SluiceException error) implements Reply {}

    static Reply fail(SluiceException error) {
        return new Failure(error);
    }
}
