package dev.sluice.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/** The text parts of a message (a string content, or the {@code text} parts of an array) and how to replace them. */
final class MessageParts {
    private MessageParts() {}

    static List<String> texts(ChatMessage m) {
        JsonNode c = m.content();
        if (c == null || c.isNull()) {
            return List.of();
        }
        if (c.isTextual()) {
            return List.of(c.asText());
        }
        List<String> out = new ArrayList<>();
        if (c.isArray()) {
            for (JsonNode part : c) {
                JsonNode text = part.get("text");
                if (text != null && text.isTextual()) {
                    out.add(text.asText());
                }
            }
        }
        return out;
    }

    /** The message with its text parts replaced, in order; other parts (images...) untouched. */
    static ChatMessage replace(ChatMessage m, List<String> texts) {
        JsonNode c = m.content();
        if (c.isTextual()) {
            return new ChatMessage(m.role(), TextNode.valueOf(texts.getFirst()), m.name(), m.toolCalls(), m.toolCallId(),
                    m.extra());
        }
        ArrayNode copy = ((ArrayNode) c).deepCopy();
        int i = 0;
        for (JsonNode part : copy) {
            JsonNode text = part.get("text");
            if (text != null && text.isTextual()) {
                ((ObjectNode) part).put("text", texts.get(i++));
            }
        }
        return new ChatMessage(m.role(), copy, m.name(), m.toolCalls(), m.toolCallId(), m.extra());
    }
}
