package dev.sluice.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast read of a client's chat request ({@link ChatRequestCodec#read(byte[])}): one pass of Jackson's
 * streaming parser that turns each message straight into a {@link ChatMessage} (no tree per message, no
 * path string per message) and puts every other top-level field into a small tree for the usual checks.
 * It only accepts what the tree read would accept and turn into the same message; on anything else it
 * answers null and the caller reads the body as a tree, which gives the right answer or error.
 */
final class StreamedMessages {
    private static final int ROLE = 1;
    private static final int CONTENT = 2;
    private static final int NAME = 4;
    private static final int TOOL_CALL_ID = 8;
    private static final int TOOL_CALLS = 16;

    private StreamedMessages() {}

    /**
     * Set by the read when the body holds something {@link ChatRequestCodec#write} would not write back as it
     * came (a repeated top-level field, a message's {@code name} or {@code tool_call_id} given as null, a
     * message's {@code tool_calls}, which the writer re-shapes): such a body is not forwarded as it is.
     */
    static final class Shape {
        boolean reshaped;
        /** The body is UTF-8 (Jackson also reads UTF-16 and UTF-32 bodies, which are not forwarded as they are). */
        boolean utf8;
        /** Where the root object ends in the body (what follows it is ignored by both reads, and not forwarded). */
        long end = -1;
    }

    /**
     * Reads {@code body}: its fields other than {@code messages} go into {@code rest}; returns the
     * messages, or null when the tree read must decide (including a request without messages).
     *
     * @throws IOException malformed JSON (the tree read reports it)
     */
    static List<ChatMessage> read(byte[] body, ObjectNode rest) throws IOException {
        return read(body, rest, new Shape());
    }

    /** {@link #read(byte[], ObjectNode)}, telling {@code shape} whether the body is as the writer would write it. */
    static List<ChatMessage> read(byte[] body, ObjectNode rest, Shape shape) throws IOException {
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            shape.utf8 = p instanceof com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            List<ChatMessage> messages = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("messages")) {
                    if (messages != null || value != JsonToken.START_ARRAY) {
                        return null;
                    }
                    messages = new ArrayList<>(4);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        ChatMessage m = message(p, shape);
                        if (m == null) {
                            return null;
                        }
                        messages.add(m);
                    }
                    if (messages.isEmpty()) {
                        return null;
                    }
                } else if (rest.replace(field, value(p, value)) != null) {
                    shape.reshaped = true; // the tree keeps the last one; an upstream may take the first
                }
            }
            shape.end = p.currentLocation().getByteOffset();
            return messages;
        }
    }

    /**
     * The value the parser is on, as the tree read would make it: scalars directly (a tree read per
     * field sets up a deserialization context each time), containers through Jackson's tree read.
     */
    private static JsonNode value(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> TextNode.valueOf(p.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> IntNode.valueOf(p.getIntValue());
                case LONG -> LongNode.valueOf(p.getLongValue());
                default -> Json.MAPPER.readTree(p);
            };
            default -> Json.MAPPER.readTree(p);
        };
    }

    /** One message, the parser on its first token; null when the tree read must decide. */
    private static ChatMessage message(JsonParser p, Shape shape) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return null;
        }
        int seen = 0;
        String role = null;
        JsonNode content = null;
        String name = null;
        String toolCallId = null;
        JsonNode toolCalls = null;
        ObjectNode extra = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            int bit = switch (field) {
                case "role" -> ROLE;
                case "content" -> CONTENT;
                case "name" -> NAME;
                case "tool_call_id" -> TOOL_CALL_ID;
                case "tool_calls" -> TOOL_CALLS;
                default -> 0;
            };
            if ((seen & bit) != 0) {
                return null; // a duplicate: the tree keeps the last one, and checks only that one
            }
            seen |= bit;
            switch (bit) {
                case ROLE -> {
                    if (value != JsonToken.VALUE_STRING || !MessageCodec.ROLES.contains(role = p.getText())) {
                        return null;
                    }
                }
                case CONTENT -> {
                    if (value == JsonToken.VALUE_STRING) {
                        content = TextNode.valueOf(p.getText());
                    } else if (value == JsonToken.VALUE_NULL) {
                        content = NullNode.getInstance();
                    } else if (value == JsonToken.START_ARRAY) {
                        content = Json.MAPPER.readTree(p);
                    } else {
                        return null;
                    }
                }
                case NAME, TOOL_CALL_ID -> {
                    String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    if (text == null && value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                    if (text == null) {
                        shape.reshaped = true; // the writer leaves it out
                    }
                    if (bit == NAME) {
                        name = text;
                    } else {
                        toolCallId = text;
                    }
                }
                case TOOL_CALLS -> {
                    toolCalls = Json.MAPPER.readTree(p);
                    shape.reshaped = true; // the writer writes each call's id, type, name and arguments only
                }
                default -> {
                    if (extra == null) {
                        extra = Json.object();
                    }
                    extra.set(field, value(p, value));
                }
            }
        }
        if (role == null || (role.equals("tool") && toolCallId == null)) {
            return null;
        }
        boolean noContent = content == null || content.isNull();
        if (noContent && MessageCodec.needsContent(role)) {
            return null;
        }
        List<ToolCall> calls = List.of();
        try {
            if (!noContent && content.isArray()) {
                MessageCodec.checkParts(content, "");
            }
            if (toolCalls != null) {
                ObjectNode holder = Json.object();
                holder.set("tool_calls", toolCalls);
                calls = MessageCodec.readToolCalls(holder, "", true);
            }
        } catch (SluiceException e) {
            return null; // invalid: the tree read names it with its path
        }
        return new ChatMessage(role, content, name, calls, toolCallId, extra);
    }
}
