package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;

/** The OpenAI error body: {@code {"error":{"message","type","param","code"}}}. */
public final class ErrorCodec {
    private ErrorCodec() {}

    public static byte[] write(SluiceException e) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeObjectFieldStart("error");
            gen.writeStringField("message", e.getMessage());
            gen.writeStringField("type", e.type());
            if (e.param() == null) {
                gen.writeNullField("param");
            } else {
                gen.writeStringField("param", e.param());
            }
            if (e.code() == null) {
                gen.writeNullField("code");
            } else {
                gen.writeStringField("code", e.code());
            }
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    /**
     * The human message inside an upstream's error body, whatever its dialect (OpenAI, Anthropic,
     * Gemini, or plain text); the raw text, shortened, when it has no recognisable shape.
     */
    public static String upstreamMessage(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        try {
            JsonNode root = Json.parseUpstream(body);
            if (root != null) {
                JsonNode error = root.path("error");
                if (error.isTextual()) {
                    return error.asText();
                }
                if (error.path("message").isTextual()) {
                    return error.path("message").asText();
                }
                if (root.path("message").isTextual()) {
                    return root.path("message").asText();
                }
            }
        } catch (Exception notJson) {
            // fall through to the raw text
        }
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
