package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An embeddings request. {@code input} is a string, an array of strings, an array of token ids, or
 * an array of token-id arrays, exactly as the client sent it.
 */
public record EmbeddingRequest(String model, JsonNode input, String encodingFormat, Integer dimensions,
                               String user, ObjectNode extra) {

    /** The text inputs; token-id inputs are not text and are skipped. */
    public List<String> texts() {
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            for (JsonNode item : input) {
                if (item.isTextual()) {
                    texts.add(item.asText());
                }
            }
        }
        return texts;
    }

    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, input, encodingFormat, dimensions, user, extra);
    }
}
