package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** An embeddings response; each embedding is a float array or a base64 string, as the upstream sent it. */
public record EmbeddingResponse(List<Embedding> data, String model, Usage usage) {

    public EmbeddingResponse {
        data = List.copyOf(data);
    }

    public record Embedding(int index, JsonNode embedding) {}
}
