package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * One message of a conversation in the canonical (OpenAI) format.
 *
 * @param role       system, developer, user, assistant or tool
 * @param content    a string, an array of content parts (text, image_url, ...), or null
 * @param name       optional participant name
 * @param toolCalls  tool calls made by the assistant, empty when none
 * @param toolCallId for role=tool: the call this message answers
 * @param extra      any other field, passed through verbatim to OpenAI-compatible upstreams
 */
public record ChatMessage(String role, JsonNode content, String name, List<ToolCall> toolCalls,
                          String toolCallId, ObjectNode extra) {

    public ChatMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, text == null ? null : TextNode.valueOf(text), null, List.of(), null, null);
    }

    /** The text of this message: the string content, or its text parts joined by newlines. */
    public String text() {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            JsonNode text = part.get("text");
            if (text != null && text.isTextual()) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(text.asText());
            }
        }
        return sb.toString();
    }

    public ChatMessage withContent(String text) {
        return new ChatMessage(role, TextNode.valueOf(text), name, toolCalls, toolCallId, extra);
    }
}
