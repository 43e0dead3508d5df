package dev.sluice.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.api.Tool;
import dev.sluice.api.ToolCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * What identifies a request to the cache.
 *
 * <ul>
 *   <li>{@code exactKey}: SHA-256 of the tenant scope and the normalised canonical request: model,
 *       messages, tools and every parameter that changes the output, including unknown pass-through
 *       fields. Not part of it: {@code stream} and {@code stream_options} (a cached answer replays
 *       either way), {@code user}, {@code metadata} and headers. Normalised: text content given as
 *       an array of text parts equals the same text as a string, surrounding whitespace of message
 *       text is ignored, {@code max_tokens} equals {@code max_completion_tokens}, JSON objects
 *       compare regardless of key order.</li>
 *   <li>{@code partition}: the same hash without the last user message: scope, model, system prompt,
 *       earlier turns and parameters. Semantic matches are only looked for inside one partition.</li>
 *   <li>{@code question}: the last user message's text, or null when the request cannot be matched
 *       semantically (the last message is not a plain-text user message, or it is too long for the
 *       embedding model to read whole).</li>
 * </ul>
 */
record Fingerprint(String exactKey, String partition, String question) {

    static Fingerprint of(String scope, ChatRequest r, int maxQuestionChars) {
        List<ChatMessage> messages = r.messages();
        ChatMessage last = messages.getLast();
        String question = null;
        if (last.role().equals("user") && isPlainText(last.content())) {
            String text = last.text().strip();
            if (!text.isEmpty() && text.length() <= maxQuestionChars) {
                question = text;
            }
        }
        String exact = sha256(canonical(scope, r, messages));
        String partition = sha256(canonical(scope, r, messages.subList(0, messages.size() - 1)) + "\n#semantic");
        return new Fingerprint(exact, partition, question);
    }

    private static boolean isPlainText(JsonNode content) {
        if (content == null || content.isNull()) {
            return false;
        }
        if (content.isTextual()) {
            return true;
        }
        for (JsonNode part : content) {
            if (!part.path("type").asText("").equals("text")) {
                return false;
            }
        }
        return content.isArray();
    }

    private static String canonical(String scope, ChatRequest r, List<ChatMessage> messages) {
        return new String(Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("scope", scope);
            gen.writeStringField("model", r.model());
            gen.writeArrayFieldStart("messages");
            for (ChatMessage m : messages) {
                writeMessage(gen, m);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("tools");
            for (Tool t : r.tools()) {
                gen.writeStartObject();
                gen.writeStringField("name", t.name());
                gen.writeStringField("description", t.description());
                writeSorted(gen, "parameters", t.parameters());
                if (t.strict() != null) {
                    gen.writeBooleanField("strict", t.strict());
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
            writeSorted(gen, "tool_choice", r.toolChoice());
            writeSorted(gen, "response_format", r.responseFormat());
            gen.writeNumberField("n", r.n() == null ? 1 : r.n());
            Json.stringArray(gen, "stop", r.stop());
            Json.optionalNumber(gen, "seed", r.seed());
            Json.optionalNumber(gen, "temperature", r.temperature());
            Json.optionalNumber(gen, "top_p", r.topP());
            if (r.maxOutputTokens() != null) {
                gen.writeNumberField("max_tokens", r.maxOutputTokens());
            }
            writeSorted(gen, "extra", r.extra());
            gen.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    private static void writeMessage(JsonGenerator gen, ChatMessage m) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("role", m.role());
        if (m.name() != null) {
            gen.writeStringField("name", m.name());
        }
        if (isPlainText(m.content())) {
            gen.writeStringField("text", m.text().strip());
        } else {
            writeSorted(gen, "content", m.content());
        }
        if (!m.toolCalls().isEmpty()) {
            gen.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                gen.writeStartObject();
                gen.writeStringField("id", c.id());
                gen.writeStringField("name", c.name());
                gen.writeStringField("arguments", c.arguments());
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }
        if (m.toolCallId() != null) {
            gen.writeStringField("tool_call_id", m.toolCallId());
        }
        writeSorted(gen, "extra", m.extra());
        gen.writeEndObject();
    }

    /** Writes a JSON value with object keys in sorted order, so key order never changes the hash. */
    private static void writeSorted(JsonGenerator gen, String field, JsonNode value) throws IOException {
        if (value == null || value.isNull() || (value.isObject() && value.isEmpty())) {
            return;
        }
        gen.writeFieldName(field);
        writeSorted(gen, value);
    }

    private static void writeSorted(JsonGenerator gen, JsonNode value) throws IOException {
        if (value.isObject()) {
            List<String> names = new ArrayList<>(value.size());
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            names.sort(null);
            gen.writeStartObject();
            for (String name : names) {
                gen.writeFieldName(name);
                writeSorted(gen, value.get(name));
            }
            gen.writeEndObject();
        } else if (value.isArray()) {
            gen.writeStartArray();
            for (JsonNode item : value) {
                writeSorted(gen, item);
            }
            gen.writeEndArray();
        } else {
            gen.writeTree(value);
        }
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
