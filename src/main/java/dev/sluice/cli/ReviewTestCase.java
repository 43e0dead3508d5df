package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;

/**
 * A labelled review item as one test of {@code sluice eval}'s JSONL format: the request's last user
 * message as {@code vars.input}; the reviewed answer as a reference the new answer must resemble
 * ({@code correct}) or must not repeat ({@code incorrect}, {@code harmful}); the label, comment and
 * where it came from as metadata.
 */
final class ReviewTestCase {
    /** How close a new answer must be to one reviewed as correct. */
    static final double SIMILAR = 0.8;
    /** How close a new answer may not come to one reviewed as incorrect or harmful (near repeats only). */
    static final double NOT_SIMILAR = 0.9;

    private ReviewTestCase() {}

    /**
     * @param item the answer of {@code GET /admin/reviews/{id}} (the item with its captured bodies)
     * @throws IllegalArgumentException when the item is not labelled or its request was not captured
     */
    static ObjectNode of(JsonNode item) {
        String id = item.path("id").asText();
        String label = item.path("label").asText(null);
        if (!"labelled".equals(item.path("status").asText()) || label == null) {
            throw new IllegalArgumentException("review item " + id + " is not labelled yet; label it first: sluice reviews"
                    + " label " + id + " --label correct|incorrect|harmful [--comment TEXT]");
        }
        String input = lastUserText(item.path("request"));
        if (input == null) {
            throw new IllegalArgumentException("review item " + id + " has no captured user message (its request's body"
                    + " was not stored, or only its shape was): bodies are stored with tracing.capture: full");
        }
        String answer = answerText(item.path("response"));
        String comment = item.path("comment").asText(null);

        ObjectNode test = Json.object();
        test.put("description", "review " + id + ": " + label + (comment == null ? "" : " - " + comment));
        test.putObject("vars").put("input", input);
        ArrayNode asserts = test.putArray("assert");
        if (answer != null) {
            boolean good = label.equals("correct");
            asserts.addObject().put("type", good ? "similar" : "not-similar").put("value", answer)
                    .put("threshold", good ? SIMILAR : NOT_SIMILAR).put("metric", "review");
        }
        ObjectNode metadata = test.putObject("metadata");
        metadata.put("review_id", id);
        metadata.put("label", label);
        for (String field : new String[] {"comment", "request_id", "model", "prompt", "reason", "team"}) {
            JsonNode v = item.path(field);
            if (v.isTextual()) {
                metadata.put(field, v.asText());
            }
        }
        return test;
    }

    /** The text of the last user message of a captured chat request, or null. */
    static String lastUserText(JsonNode request) {
        JsonNode messages = request.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m.path("role").asText().equals("user")) {
                return text(m.path("content"));
            }
        }
        return null;
    }

    private static String answerText(JsonNode response) {
        return text(response.path("choices").path(0).path("message").path("content"));
    }

    /** A message content as text: a string, or the text parts of a list joined by newlines; null otherwise. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText().isBlank() ? null : content.asText();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text") && part.path("text").isTextual()) {
                sb.append(sb.isEmpty() ? "" : "\n").append(part.path("text").asText());
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
