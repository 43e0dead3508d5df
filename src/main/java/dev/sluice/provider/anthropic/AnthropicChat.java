package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Tool;
import dev.sluice.api.ToolCall;
import dev.sluice.provider.ToolArguments;
import dev.sluice.provider.anthropic.AnthropicWire.AnthropicUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat operation's translation: a canonical (OpenAI) {@link ChatRequest} to an Anthropic
 * Messages request, and an Anthropic message back to a canonical {@link ChatResponse}. Pure
 * functions of their arguments; requests the translation cannot express faithfully fail with a
 * 400 naming the parameter, before anything is sent upstream.
 */
final class AnthropicChat {

    private AnthropicChat() {}

    // ---------------------------------------------------------------- request

    /** The Anthropic request body for {@code request}, sent to {@code model}. */
    static byte[] writeRequest(ChatRequest request, String model, boolean stream) {
        ObjectNode body = toWire(request, model, stream);
        return Json.write(gen -> gen.writeTree(body));
    }

    static ObjectNode toWire(ChatRequest r, String model, boolean stream) {
        if (r.n() != null && r.n() > 1) {
            throw SluiceException.invalidRequest("n", "Anthropic models return one completion per request, so 'n' must"
                    + " be 1 (it is " + r.n() + "). Send " + r.n() + " separate requests instead.");
        }
        ObjectNode out = Json.object();
        out.put("model", model);
        Integer maxTokens = r.maxOutputTokens();
        out.put("max_tokens", maxTokens != null ? maxTokens : AnthropicWire.DEFAULT_MAX_TOKENS);

        List<ChatMessage> systemMessages = new ArrayList<>();
        out.set("messages", messages(r.messages(), systemMessages));
        JsonNode system = system(systemMessages, jsonInstruction(r.responseFormat()));
        if (system != null) {
            out.set("system", system);
        }
        if (!r.tools().isEmpty()) {
            out.set("tools", tools(r.tools()));
            JsonNode choice = toolChoice(r.toolChoice(), r.extra());
            if (choice != null) {
                out.set("tool_choice", choice);
            }
        }
        if (!r.stop().isEmpty()) {
            ArrayNode stops = out.putArray("stop_sequences");
            r.stop().forEach(stops::add);
        }
        if (r.temperature() != null) {
            out.put("temperature", Math.min(r.temperature(), AnthropicWire.MAX_TEMPERATURE));
        }
        if (r.topP() != null) {
            out.put("top_p", r.topP());
        }
        JsonNode topK = r.extra() == null ? null : r.extra().get("top_k");
        if (topK != null && topK.isIntegralNumber()) {
            out.put("top_k", topK.asInt());
        }
        if (r.user() != null && !r.user().isEmpty()) {
            out.putObject("metadata").put("user_id", r.user());
        }
        if (stream) {
            out.put("stream", true);
        }
        return out;
    }

    /**
     * The conversation as alternating user/assistant turns. System and developer messages are
     * collected into {@code systemOut} (Anthropic has one top-level system prompt); tool results
     * become {@code tool_result} blocks of a user turn; consecutive messages of the same role are
     * merged, with a turn's tool results ahead of its other blocks as Anthropic requires.
     */
    private static ArrayNode messages(List<ChatMessage> messages, List<ChatMessage> systemOut) {
        ArrayNode out = Json.array();
        Turn turn = null;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String path = "messages[" + i + "]";
            String role;
            ArrayNode blocks = Json.array();
            boolean toolResult = false;
            switch (m.role()) {
                case "system", "developer" -> {
                    systemOut.add(m);
                    continue;
                }
                case "user" -> {
                    role = "user";
                    AnthropicContent.appendUserBlocks(m.content(), path + ".content", blocks);
                }
                case "assistant" -> {
                    role = "assistant";
                    AnthropicContent.appendAssistantBlocks(m.content(), path + ".content", blocks);
                    for (int j = 0; j < m.toolCalls().size(); j++) {
                        blocks.add(toolUse(m.toolCalls().get(j), path + ".tool_calls[" + j + "]"));
                    }
                }
                case "tool" -> {
                    role = "user";
                    toolResult = true;
                    ObjectNode result = blocks.addObject();
                    result.put("type", AnthropicWire.TOOL_RESULT);
                    result.put("tool_use_id", toolUseId(m.toolCallId()));
                    JsonNode content = AnthropicContent.toolResultContent(m.content(), path + ".content");
                    if (content != null) {
                        result.set("content", content);
                    }
                }
                default -> throw SluiceException.invalidRequest(path + ".role", "Messages with role '" + m.role()
                        + "' cannot be sent to Anthropic models; send function results as 'tool' messages.");
            }
            if (blocks.isEmpty()) {
                continue; // an empty message says nothing, and Anthropic rejects empty content
            }
            if (turn == null || !turn.role.equals(role)) {
                turn = new Turn(role);
                out.add(turn.node);
            }
            turn.add(blocks, toolResult);
        }
        if (turn != null && turn.role.equals("assistant")) {
            stripTrailingWhitespace(turn);
        }
        return out;
    }

    /**
     * A final assistant turn is a prefill Anthropic continues from, and it rejects one that ends
     * in whitespace, so that whitespace is dropped. (Text blocks are never blank, so text remains.)
     */
    private static void stripTrailingWhitespace(Turn turn) {
        JsonNode last = turn.content.get(turn.content.size() - 1);
        if (AnthropicWire.TEXT.equals(last.path("type").asText())) {
            ((ObjectNode) last).put("text", last.path("text").asText().stripTrailing());
        }
    }

    /** One Anthropic message being assembled; its tool_result blocks stay ahead of the rest. */
    private static final class Turn {
        final String role;
        final ObjectNode node = Json.object();
        final ArrayNode content;
        int toolResults;

        Turn(String role) {
            this.role = role;
            node.put("role", role);
            content = node.putArray("content");
        }

        void add(ArrayNode blocks, boolean toolResult) {
            if (toolResult) {
                for (JsonNode block : blocks) {
                    content.insert(toolResults++, block);
                }
            } else {
                content.addAll(blocks);
            }
        }
    }

    private static ObjectNode toolUse(ToolCall call, String path) {
        ObjectNode block = Json.object();
        block.put("type", AnthropicWire.TOOL_USE);
        block.put("id", toolUseId(call.id()));
        block.put("name", call.name());
        block.set("input", arguments(call, path + ".function.arguments"));
        return block;
    }

    /** A tool call's arguments as the JSON object Anthropic needs; blank arguments are {}. */
    private static JsonNode arguments(ToolCall call, String param) {
        return ToolArguments.asObject(Json.MAPPER.reader(), call, param, "Anthropic models");
    }

    /**
     * A tool call id Anthropic accepts (letters, digits, '_' and '-'). OpenAI's ids already are;
     * others are rewritten the same way wherever they appear, so calls and results still match.
     */
    static String toolUseId(String id) {
        if (id == null || id.isEmpty()) {
            return "toolu_missing";
        }
        for (int i = 0; i < id.length(); i++) {
            if (!idChar(id.charAt(i))) {
                StringBuilder sb = new StringBuilder(id.length());
                for (int j = 0; j < id.length(); j++) {
                    sb.append(idChar(id.charAt(j)) ? id.charAt(j) : '_');
                }
                return sb.toString();
            }
        }
        return id;
    }

    private static boolean idChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /**
     * The top-level system prompt: the system and developer messages in order, then the JSON
     * instruction. A plain string, unless a part carries {@code cache_control}, which only the
     * block form can express.
     */
    private static JsonNode system(List<ChatMessage> systemMessages, String jsonInstruction) {
        boolean blocks = false;
        for (ChatMessage m : systemMessages) {
            if (m.content() != null && m.content().isArray()) {
                for (JsonNode part : m.content()) {
                    blocks |= part.path("cache_control").isObject();
                }
            }
        }
        if (blocks) {
            ArrayNode out = Json.array();
            for (int i = 0; i < systemMessages.size(); i++) {
                JsonNode content = systemMessages.get(i).content();
                if (content == null || content.isNull()) {
                    continue;
                }
                if (content.isTextual()) {
                    AnthropicContent.addText(out, content.asText(), null);
                } else {
                    for (JsonNode part : content) {
                        AnthropicContent.addText(out, part.path("text").asText(), part.get("cache_control"));
                    }
                }
            }
            if (jsonInstruction != null) {
                AnthropicContent.addText(out, jsonInstruction, null);
            }
            return out;
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : systemMessages) {
            appendParagraph(sb, m.text());
        }
        if (jsonInstruction != null) {
            appendParagraph(sb, jsonInstruction);
        }
        return sb.isEmpty() ? null : TextNode.valueOf(sb.toString());
    }

    private static void appendParagraph(StringBuilder sb, String text) {
        if (text.isBlank()) {
            return;
        }
        if (!sb.isEmpty()) {
            sb.append("\n\n");
        }
        sb.append(text);
    }

    /**
     * Anthropic has no JSON mode: {@code response_format} json_object or json_schema becomes an
     * instruction in the system prompt. The model is asked, not forced, to comply.
     */
    static String jsonInstruction(JsonNode responseFormat) {
        if (responseFormat == null) {
            return null;
        }
        String only = " Do not add any text, explanation or Markdown code fences before or after it.";
        return switch (responseFormat.path("type").asText("text")) {
            case "json_object" -> "Respond only with a single valid JSON object." + only;
            case "json_schema" -> {
                JsonNode spec = responseFormat.path("json_schema");
                JsonNode schema = spec.get("schema");
                String name = spec.path("name").asText("");
                if (schema == null || schema.isNull()) {
                    yield "Respond only with a single valid JSON object" + (name.isEmpty() ? "" : " (" + name + ")")
                            + "." + only;
                }
                yield "Respond only with a single valid JSON object that conforms to this JSON Schema"
                        + (name.isEmpty() ? "" : " (named \"" + name + "\")") + ":\n" + Json.string(schema) + "\n"
                        + only.substring(1);
            }
            default -> null;
        };
    }

    private static ArrayNode tools(List<Tool> tools) {
        ArrayNode out = Json.array();
        for (Tool t : tools) {
            ObjectNode tool = out.addObject();
            tool.put("name", t.name());
            if (t.description() != null && !t.description().isEmpty()) {
                tool.put("description", t.description());
            }
            JsonNode schema = t.parameters();
            if (schema == null || !schema.isObject()) {
                tool.putObject("input_schema").put("type", "object");
            } else if (!schema.has("type")) {
                ObjectNode copy = ((ObjectNode) schema).deepCopy();
                copy.put("type", "object");
                tool.set("input_schema", copy);
            } else {
                tool.set("input_schema", schema);
            }
        }
        return out;
    }

    /**
     * OpenAI's tool_choice as Anthropic's: auto, required → any, none, or a named function →
     * tool. {@code parallel_tool_calls: false} becomes {@code disable_parallel_tool_use}, which
     * Anthropic attaches to the choice (so an absent choice becomes an explicit auto).
     */
    private static JsonNode toolChoice(JsonNode choice, ObjectNode extra) {
        boolean noParallel = extra != null && extra.path("parallel_tool_calls").isBoolean()
                && !extra.get("parallel_tool_calls").asBoolean();
        ObjectNode out = Json.object();
        if (choice == null || choice.isNull()) {
            if (!noParallel) {
                return null;
            }
            out.put("type", "auto");
        } else if (choice.isTextual()) {
            out.put("type", switch (choice.asText()) {
                case "required" -> "any";
                case "none" -> "none";
                default -> "auto";
            });
        } else {
            out.put("type", "tool");
            out.put("name", choice.path("function").path("name").asText());
        }
        if (noParallel && !out.get("type").asText().equals("none")) {
            out.put("disable_parallel_tool_use", true);
        }
        return out;
    }

    // ---------------------------------------------------------------- response

    /**
     * A canonical response for an Anthropic message. Text blocks are concatenated into the
     * content, {@code tool_use} blocks become tool calls, anything else (thinking, server tool
     * blocks) is left out. Anthropic has no creation time, so the caller supplies one.
     */
    static ChatResponse readResponse(JsonNode root, long created, String fallbackModel) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : root.path("content")) {
            switch (block.path("type").asText()) {
                case AnthropicWire.TEXT -> text.append(block.path("text").asText(""));
                case AnthropicWire.TOOL_USE -> {
                    JsonNode input = block.get("input");
                    calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                            input == null || input.isNull() ? "{}" : Json.string(input)));
                }
                default -> {
                    // thinking, redacted_thinking, server tool blocks: no canonical place for them
                }
            }
        }
        JsonNode content = text.isEmpty() && !calls.isEmpty() ? null : TextNode.valueOf(text.toString());
        ChatMessage message = new ChatMessage("assistant", content, null, calls, null, null);
        String finish = AnthropicWire.finishReason(textOrNull(root.get("stop_reason")));
        return new ChatResponse(root.path("id").asText(""), created, root.path("model").asText(fallbackModel),
                List.of(new Choice(0, message, finish, null)), AnthropicUsage.read(root.get("usage")).toCanonical(),
                null, null);
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
