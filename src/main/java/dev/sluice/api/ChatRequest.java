package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A chat completion request in the canonical (OpenAI) format. Fields Sluice understands are typed;
 * everything else stays in {@code extra} and reaches OpenAI-compatible upstreams unchanged.
 *
 * @param toolChoice     "none" | "auto" | "required" or {"type":"function","function":{"name":...}}
 * @param responseFormat {"type":"text"|"json_object"|"json_schema", ...}
 */
public record ChatRequest(
        String model,
        List<ChatMessage> messages,
        boolean stream,
        boolean includeUsage,
        List<Tool> tools,
        JsonNode toolChoice,
        JsonNode responseFormat,
        Integer n,
        List<String> stop,
        Long seed,
        Double temperature,
        Double topP,
        Integer maxTokens,
        Integer maxCompletionTokens,
        String user,
        Map<String, String> metadata,
        ObjectNode extra) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The output token cap the client asked for, whichever field it used; null when none. */
    /** The text of the last {@code user} message, or null when there is none. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).text();
            }
        }
        return null;
    }

    public Integer maxOutputTokens() {
        return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
    }

    /** "text", "json_object" or "json_schema". */
    public String responseFormatType() {
        return responseFormat == null ? "text" : responseFormat.path("type").asText("text");
    }

    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, stream, includeUsage, tools, toolChoice, responseFormat, n, stop,
                seed, temperature, topP, maxTokens, maxCompletionTokens, user, metadata, extra);
    }

    public ChatRequest withMessages(List<ChatMessage> newMessages) {
        return new ChatRequest(model, newMessages, stream, includeUsage, tools, toolChoice, responseFormat, n, stop,
                seed, temperature, topP, maxTokens, maxCompletionTokens, user, metadata, extra);
    }
}
