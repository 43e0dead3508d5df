package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Tool;
import dev.sluice.api.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an Anthropic Messages request into the canonical (OpenAI) request, so one planner serves
 * both formats: {@code system} becomes a system message, {@code tool_use} blocks assistant tool
 * calls, {@code tool_result} blocks tool messages, {@code tool_choice} any/tool/none
 * required/function/none. Validation errors are worded the way Anthropic words them
 * ("max_tokens: Field required").
 */
final class AnthropicRequestReader {
    private AnthropicRequestReader() {}

    record Parsed(ChatRequest chat, boolean stream) {}

    static Parsed read(JsonNode root) {
        if (!root.isObject()) {
            throw invalid("The request body must be a JSON object.");
        }
        String model = text(root, "model");
        int maxTokens = maxTokens(root.get("max_tokens"));
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw invalid("messages: Field required");
        }
        if (!messages.isArray()) {
            throw invalid("messages: Input should be a valid list");
        }
        if (messages.isEmpty()) {
            throw invalid("messages: at least one message is required");
        }
        List<ChatMessage> out = new ArrayList<>(messages.size() + 1);
        system(root.get("system"), out);
        for (int i = 0; i < messages.size(); i++) {
            message(messages.get(i), "messages." + i, out);
        }
        ToolChoice choice = toolChoice(root.get("tool_choice"));
        JsonNode temperature = root.get("temperature");
        if (temperature != null && !temperature.isNull()
                && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
            throw invalid("temperature: Input should be a number between 0 and 1");
        }
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("stream: Input should be a valid boolean");
        }
        ChatRequest chat = new ChatRequest(model, out, stream != null && stream.asBoolean(), false, tools(root.get("tools")),
                choice.canonical(), null, 1, stopSequences(root.get("stop_sequences")), null,
                temperature == null || temperature.isNull() ? null : temperature.asDouble(), null, maxTokens, null, null,
                Map.of(), choice.extra());
        return new Parsed(chat, chat.stream());
    }

    private static int maxTokens(JsonNode node) {
        if (node == null || node.isNull()) {
            throw invalid("max_tokens: Field required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1) {
            throw invalid("max_tokens: Input should be a valid integer greater than or equal to 1");
        }
        return node.asInt();
    }

    private static void system(JsonNode system, List<ChatMessage> out) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            out.add(ChatMessage.of("system", system.asText()));
        } else if (system.isArray()) {
            out.add(ChatMessage.of("system", blockText(system, "system")));
        } else {
            throw invalid("system: Input should be a valid string or a list of text blocks");
        }
    }

    private static void message(JsonNode m, String path, List<ChatMessage> out) {
        if (!m.isObject()) {
            throw invalid(path + ": Input should be a valid dictionary");
        }
        String role = m.path("role").asText("");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw invalid(path + ".role: Input should be 'user' or 'assistant'");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw invalid(path + ".content: Field required");
        }
        if (content.isTextual()) {
            out.add(ChatMessage.of(role, content.asText()));
            return;
        }
        if (!content.isArray()) {
            throw invalid(path + ".content: Input should be a valid string or list of content blocks");
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        int toolResults = 0;
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String blockPath = path + ".content." + i;
            switch (block.path("type").asText("")) {
                case "text" -> append(text, requiredText(block, "text", blockPath));
                case "tool_use" -> {
                    JsonNode input = block.get("input");
                    calls.add(new ToolCall(requiredText(block, "id", blockPath), requiredText(block, "name", blockPath),
                            input == null || input.isNull() ? "{}" : Json.string(input)));
                }
                case "tool_result" -> {
                    String id = requiredText(block, "tool_use_id", blockPath);
                    JsonNode result = block.get("content");
                    String resultText = result == null || result.isNull() ? ""
                            : result.isTextual() ? result.asText() : blockText(result, blockPath + ".content");
                    out.add(new ChatMessage("tool", TextNode.valueOf(resultText), null, List.of(), id, null));
                    toolResults++;
                }
                case "" -> throw invalid(blockPath + ".type: Field required");
                default -> {
                    // image, document, thinking...: nothing the simulated model reads
                }
            }
        }
        if (role.equals("assistant")) {
            out.add(new ChatMessage("assistant", text.isEmpty() ? null : TextNode.valueOf(text.toString()), null, calls,
                    null, null));
        } else if (!text.isEmpty() || toolResults == 0) {
            out.add(ChatMessage.of("user", text.toString()));
        }
    }

    private static String blockText(JsonNode blocks, String path) {
        if (!blocks.isArray()) {
            throw invalid(path + ": Input should be a valid list");
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode block : blocks) {
            if ("text".equals(block.path("type").asText())) {
                append(sb, block.path("text").asText(""));
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String text) {
        if (!sb.isEmpty()) {
            sb.append('\n');
        }
        sb.append(text);
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw invalid("tools: Input should be a valid list");
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String name = requiredText(tool, "name", "tools." + i);
            JsonNode schema = tool.get("input_schema");
            String type = tool.path("type").asText("custom");
            if (schema == null || schema.isNull()) {
                if (type.equals("custom")) {
                    throw invalid("tools." + i + ".input_schema: Field required");
                }
                continue; // a server tool (web search, code execution...): the simulator never calls these
            }
            JsonNode description = tool.get("description");
            out.add(new Tool(name, description == null || description.isNull() ? null : description.asText(), schema, null));
        }
        return out;
    }

    /** A tool_choice in canonical form, plus the parallel-calls switch it may carry. */
    private record ToolChoice(JsonNode canonical, ObjectNode extra) {}

    private static ToolChoice toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return new ToolChoice(null, null);
        }
        if (!choice.isObject()) {
            throw invalid("tool_choice: Input should be a valid dictionary");
        }
        ObjectNode extra = null;
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            extra = Json.object().put("parallel_tool_calls", false);
        }
        JsonNode canonical = switch (choice.path("type").asText("")) {
            case "auto" -> TextNode.valueOf("auto");
            case "any" -> TextNode.valueOf("required");
            case "none" -> TextNode.valueOf("none");
            case "tool" -> {
                ObjectNode named = Json.object().put("type", "function");
                named.putObject("function").put("name", requiredText(choice, "name", "tool_choice"));
                yield named;
            }
            default -> throw invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
        };
        return new ToolChoice(canonical, extra);
    }

    private static List<String> stopSequences(JsonNode stops) {
        if (stops == null || stops.isNull()) {
            return List.of();
        }
        if (!stops.isArray()) {
            throw invalid("stop_sequences: Input should be a valid list");
        }
        List<String> out = new ArrayList<>(stops.size());
        for (JsonNode stop : stops) {
            if (!stop.isTextual()) {
                throw invalid("stop_sequences: Input should be a list of strings");
            }
            out.add(stop.asText());
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        return requiredText(node, field, "");
    }

    private static String requiredText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        String name = path.isEmpty() ? field : path + "." + field;
        if (value == null || value.isNull()) {
            throw invalid(name + ": Field required");
        }
        if (!value.isTextual()) {
            throw invalid(name + ": Input should be a valid string");
        }
        return value.asText();
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(400, "invalid_request_error", null, null, message);
    }
}
