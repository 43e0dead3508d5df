package dev.sluice.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and writes {@link ChatMessage}s in OpenAI's wire format, for requests and responses. */
final class MessageCodec {
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Set<String> KNOWN = Set.of("role", "content", "name", "tool_calls", "tool_call_id");

    private MessageCodec() {}

    /** Strict read of a client's message; {@code path} is e.g. "messages[3]". */
    static ChatMessage readRequestMessage(JsonNode node, String path) {
        if (!node.isObject()) {
            throw SluiceException.invalidType(path, "an object with 'role' and 'content'");
        }
        String role = Fields.oneOf(Fields.requiredString(node, "role", path), ROLES, path + ".role");
        JsonNode content = node.get("content");
        if (content != null && !content.isNull()) {
            if (content.isArray()) {
                checkParts(content, path);
            } else if (!content.isTextual()) {
                throw SluiceException.invalidType(path + ".content", "a string or an array of content parts");
            }
        } else if (needsContent(role)) {
            throw SluiceException.missing(path + ".content");
        }
        List<ToolCall> calls = readToolCalls(node, path, true);
        String toolCallId = Fields.optionalString(node, "tool_call_id", path);
        if (role.equals("tool") && toolCallId == null) {
            throw SluiceException.missing(path + ".tool_call_id");
        }
        return new ChatMessage(role, content, Fields.optionalString(node, "name", path), calls, toolCallId,
                Fields.extras(node, KNOWN));
    }

    static boolean needsContent(String role) {
        return role.equals("user") || role.equals("system") || role.equals("developer");
    }

    /** Each content part is an object with a string {@code type}, and a text part has a string {@code text}. */
    static void checkParts(JsonNode content, String path) {
        int i = 0;
        for (JsonNode part : content) {
            if (!part.isObject() || !part.path("type").isTextual()) {
                throw SluiceException.invalidType(path + ".content[" + i + "]", "an object with a 'type'");
            }
            if ("text".equals(part.get("type").asText()) && !part.path("text").isTextual()) {
                throw SluiceException.invalidType(path + ".content[" + i + "].text", "a string");
            }
            i++;
        }
    }

    /** Lenient read of an upstream's message: what is missing stays empty. */
    static ChatMessage readResponseMessage(JsonNode node) {
        JsonNode content = node.get("content");
        return new ChatMessage(node.path("role").asText("assistant"), content == null || content.isNull() ? null : content,
                textOrNull(node.get("name")), readToolCalls(node, "message", false),
                textOrNull(node.get("tool_call_id")), Fields.extras(node, KNOWN));
    }

    /**
     * {@link #readResponseMessage(JsonNode)} from a parser at the message's {@code START_OBJECT}, without a
     * tree of the message (see {@link ChatResponseCodec#readResponse(com.fasterxml.jackson.core.JsonParser)}).
     */
    static ChatMessage readResponseMessage(JsonParser p) throws IOException {
        String role = "assistant";
        JsonNode content = null;
        String name = null;
        List<ToolCall> calls = List.of();
        String toolCallId = null;
        ObjectNode extra = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "role" -> role = Streamed.text(p, value, "assistant");
                case "content" -> {
                    JsonNode node = value == JsonToken.VALUE_STRING ? TextNode.valueOf(p.getText()) : Streamed.tree(p, value);
                    content = node.isNull() ? null : node;
                }
                case "name" -> name = Streamed.textOrNull(p, value);
                case "tool_calls" -> calls = value == JsonToken.VALUE_NULL ? List.of()
                        : readToolCallList(Streamed.tree(p, value), "message", false);
                case "tool_call_id" -> toolCallId = Streamed.textOrNull(p, value);
                default -> {
                    if (extra == null) {
                        extra = Json.object();
                    }
                    extra.set(field, Streamed.tree(p, value));
                }
            }
        }
        return new ChatMessage(role, content, name, calls, toolCallId, extra);
    }

    static List<ToolCall> readToolCalls(JsonNode node, String path, boolean strict) {
        JsonNode calls = node.get("tool_calls");
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        return readToolCallList(calls, path, strict);
    }

    /** A {@code tool_calls} value that is present and not null; a lenient read takes a non-array as none. */
    private static List<ToolCall> readToolCallList(JsonNode calls, String path, boolean strict) {
        if (!calls.isArray()) {
            if (strict) {
                throw SluiceException.invalidType(path + ".tool_calls", "an array");
            }
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>(calls.size());
        int i = 0;
        for (JsonNode call : calls) {
            String callPath = path + ".tool_calls[" + i++ + "]";
            JsonNode fn = call.path("function");
            if (strict) {
                if (!call.isObject() || !fn.isObject()) {
                    throw SluiceException.invalidType(callPath + ".function", "an object with 'name' and 'arguments'");
                }
                Fields.requiredString(call, "id", callPath);
                Fields.requiredString(fn, "name", callPath + ".function");
                Fields.optionalString(fn, "arguments", callPath + ".function");
            }
            out.add(new ToolCall(textOrNull(call.get("id")), textOrNull(fn.get("name")),
                    fn.path("arguments").asText("")));
        }
        return out;
    }

    static void write(JsonGenerator gen, ChatMessage m, boolean response) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("role", m.role());
        if (m.content() == null) {
            gen.writeNullField("content");
        } else {
            gen.writeFieldName("content");
            Json.writeNode(gen, m.content());
        }
        if (m.name() != null) {
            gen.writeStringField("name", m.name());
        }
        if (!m.toolCalls().isEmpty()) {
            gen.writeArrayFieldStart("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                gen.writeStartObject();
                gen.writeStringField("id", call.id());
                gen.writeStringField("type", "function");
                gen.writeObjectFieldStart("function");
                gen.writeStringField("name", call.name());
                gen.writeStringField("arguments", call.arguments());
                gen.writeEndObject();
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }
        if (m.toolCallId() != null) {
            gen.writeStringField("tool_call_id", m.toolCallId());
        }
        if (response && (m.extra() == null || !m.extra().has("refusal"))) {
            gen.writeNullField("refusal");
        }
        writeExtras(gen, m.extra());
        gen.writeEndObject();
    }

    static void writeExtras(JsonGenerator gen, ObjectNode extra) throws IOException {
        if (extra == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : extra.properties()) {
            gen.writeFieldName(e.getKey());
            Json.writeNode(gen, e.getValue());
        }
    }

    static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
