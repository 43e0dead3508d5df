package dev.sluice.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.Json;

/**
 * One cached answer with what invalidation filters on: the virtual key, team and end user whose
 * request produced it, and the public model name.
 *
 * @param endUser  the end user of the request that produced it (erasure drops it), or null
 * @param question the question it answered (for the false-hit guards), null when not semantic
 */
record CachedAnswer(String exactKey, ChatResponse response, String keyId, String team, String model, String endUser,
                    String question, long createdMillis, long expiresMillis) {

    boolean expiredAt(long nowMillis) {
        return expiresMillis <= nowMillis;
    }

    boolean matches(Invalidation filter) {
        return filter.matches(keyId, team, model, endUser);
    }

    /** The whole entry as JSON, for Redis. */
    byte[] toJson() {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("exact_key", exactKey);
            gen.writeStringField("key_id", keyId);
            gen.writeStringField("team", team);
            gen.writeStringField("model", model);
            gen.writeStringField("user", endUser);
            gen.writeStringField("question", question);
            gen.writeNumberField("created", createdMillis);
            gen.writeNumberField("expires", expiresMillis);
            gen.writeFieldName("response");
            ChatResponseCodec.writeResponse(gen, response);
            gen.writeEndObject();
        });
    }

    static CachedAnswer fromJson(byte[] json) throws java.io.IOException {
        JsonNode root = Json.parseUpstream(json);
        return new CachedAnswer(root.path("exact_key").asText(), responseFrom(root.path("response")),
                text(root, "key_id"), text(root, "team"), root.path("model").asText(), text(root, "user"), text(root, "question"),
                root.path("created").asLong(), root.path("expires").asLong());
    }

    static byte[] responseJson(ChatResponse response) {
        return ChatResponseCodec.writeResponse(response);
    }

    static ChatResponse responseFrom(JsonNode node) {
        return ChatResponseCodec.readResponse(node);
    }

    private static String text(JsonNode root, String field) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
