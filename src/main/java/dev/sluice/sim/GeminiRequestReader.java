package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.api.Tool;
import dev.sluice.api.ToolCall;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Gemini {@code GenerateContentRequest} into the canonical (OpenAI) request, so one
 * planner serves every format: {@code systemInstruction} becomes a system message,
 * {@code model} turns assistant messages, {@code functionCall} parts tool calls,
 * {@code functionResponse} parts tool messages, {@code toolConfig} a tool_choice,
 * {@code generationConfig} the sampling fields, {@code responseMimeType}/{@code responseSchema}
 * a response_format. Images, audio, files and thoughts are skipped: the simulated model reads text.
 *
 * <p>It is as strict as Gemini where a translation bug would show: unknown fields (at the top,
 * in {@code generationConfig}, and in schemas, where Gemini accepts only its OpenAPI subset) are
 * rejected with Gemini's "Unknown name" message; empty parts, roles other than user/model and an
 * OBJECT schema with empty properties are rejected too.
 *
 * <p>Gemini does not identify function calls, so the calls get ids here ({@code gcall_1}, ...)
 * and each function response is matched to the oldest unanswered call of its name.
 */
final class GeminiRequestReader {
    private static final Set<String> TOP = Set.of("model", "contents", "tools", "toolConfig", "safetySettings",
            "systemInstruction", "generationConfig", "cachedContent", "labels");
    private static final Set<String> GENERATION_CONFIG = Set.of("stopSequences", "responseMimeType", "responseSchema",
            "responseJsonSchema", "responseModalities", "candidateCount", "maxOutputTokens", "temperature", "topP",
            "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
            "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig", "mediaResolution");
    private static final Set<String> SCHEMA = Set.of("type", "format", "title", "description", "nullable", "enum",
            "maxItems", "minItems", "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength",
            "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");
    private static final Set<String> FUNCTION_DECLARATION = Set.of("name", "description", "parameters",
            "parametersJsonSchema", "response", "responseJsonSchema", "behavior");

    private GeminiRequestReader() {}

    static ChatRequest read(JsonNode root, String model, boolean stream) {
        if (!root.isObject()) {
            throw GeminiDialect.invalidArgument("Invalid JSON payload received. Expected an object.");
        }
        knownFields(root, TOP, null);
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = root.get("systemInstruction");
        if (system != null && !system.isNull()) {
            String text = text(system.path("parts"));
            if (!text.isEmpty()) {
                messages.add(ChatMessage.of("system", text));
            }
        }
        contents(root.get("contents"), messages);
        List<Tool> tools = tools(root.get("tools"));
        JsonNode config = root.path("generationConfig");
        if (!config.isMissingNode() && !config.isNull()) {
            if (!config.isObject()) {
                throw GeminiDialect.invalidArgument("Invalid JSON payload received. Unknown name \"generationConfig\":"
                        + " Proto field is not repeating, cannot start list.");
            }
            knownFields(config, GENERATION_CONFIG, "generation_config");
        }
        JsonNode schema = config.has("responseJsonSchema") ? config.get("responseJsonSchema") : config.get("responseSchema");
        if (config.has("responseSchema")) {
            schema(config.get("responseSchema"), "generation_config.response_schema");
        }
        return new ChatRequest(model, messages, stream, stream, tools, toolChoice(root.path("toolConfig")),
                responseFormat(config.path("responseMimeType").asText(""), schema),
                config.has("candidateCount") ? config.get("candidateCount").asInt(1) : null,
                stops(config.get("stopSequences")),
                config.has("seed") ? config.get("seed").asLong() : null,
                config.has("temperature") ? config.get("temperature").asDouble() : null,
                config.has("topP") ? config.get("topP").asDouble() : null,
                config.has("maxOutputTokens") ? config.get("maxOutputTokens").asInt() : null,
                null, null, Map.of(), null);
    }

    private static void contents(JsonNode contents, List<ChatMessage> out) {
        if (contents == null || contents.isNull() || (contents.isArray() && contents.isEmpty())) {
            throw GeminiDialect.invalidArgument("* GenerateContentRequest.contents: contents is not specified");
        }
        if (!contents.isArray()) {
            throw GeminiDialect.invalidArgument("Invalid JSON payload received. Unknown name \"contents\":"
                    + " Proto field is repeating, cannot start object.");
        }
        Map<String, ArrayDeque<String>> unanswered = new HashMap<>();
        int callIds = 0;
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            String path = "contents[" + i + "]";
            String role = content.path("role").asText("user");
            if (!role.equals("user") && !role.equals("model")) {
                throw GeminiDialect.invalidArgument("Please use a valid role: user, model.");
            }
            JsonNode parts = content.path("parts");
            if (!parts.isArray() || parts.isEmpty()) {
                throw GeminiDialect.invalidArgument("* GenerateContentRequest." + path + ".parts: contents.parts must not"
                        + " be empty.");
            }
            StringBuilder text = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            for (int j = 0; j < parts.size(); j++) {
                JsonNode part = parts.get(j);
                if (isEmptyPart(part)) {
                    throw GeminiDialect.invalidArgument("* GenerateContentRequest." + path + ".parts[" + j + "].data:"
                            + " required oneof field 'data' must have one initialized field");
                }
                if (part.path("thought").asBoolean(false)) {
                    continue;
                }
                if (part.path("text").isTextual()) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(part.get("text").asText());
                } else if (part.path("functionCall").isObject()) {
                    JsonNode call = part.get("functionCall");
                    String name = call.path("name").asText("");
                    String id = "gcall_" + ++callIds;
                    unanswered.computeIfAbsent(name, n -> new ArrayDeque<>()).add(id);
                    JsonNode args = call.get("args");
                    calls.add(new ToolCall(id, name, args == null || args.isNull() ? "{}" : Json.string(args)));
                } else if (part.path("functionResponse").isObject()) {
                    JsonNode response = part.get("functionResponse");
                    String name = response.path("name").asText("");
                    ArrayDeque<String> pending = unanswered.get(name);
                    String id = pending == null || pending.isEmpty() ? "gcall_unmatched_" + name : pending.poll();
                    out.add(new ChatMessage("tool", TextNode.valueOf(resultText(response.get("response"))), null,
                            List.of(), id, null));
                }
                // inlineData, fileData, executableCode...: nothing the simulated model reads
            }
            if (role.equals("model")) {
                out.add(new ChatMessage("assistant", text.isEmpty() ? null : TextNode.valueOf(text.toString()), null,
                        calls, null, null));
            } else if (!text.isEmpty()) {
                out.add(ChatMessage.of("user", text.toString()));
            }
        }
    }

    /** A part with no data: {}, or only an empty text (proto3's default value counts as unset). */
    private static boolean isEmptyPart(JsonNode part) {
        if (!part.isObject() || part.isEmpty()) {
            return true;
        }
        return part.size() == 1 && part.path("text").isTextual() && part.get("text").asText().isEmpty();
    }

    /** A function result as the text the model reads: {"content": x} unwrapped, other objects as JSON. */
    private static String resultText(JsonNode response) {
        if (response == null || response.isNull()) {
            return "";
        }
        if (response.isObject() && response.size() == 1 && response.has("content")) {
            JsonNode content = response.get("content");
            return content.isTextual() ? content.asText() : Json.string(content);
        }
        return Json.string(response);
    }

    private static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        List<Tool> out = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode declarations = tools.get(i).path("functionDeclarations");
            for (int j = 0; j < declarations.size(); j++) {
                JsonNode fn = declarations.get(j);
                String path = "tools[" + i + "].function_declarations[" + j + "]";
                knownFields(fn, FUNCTION_DECLARATION, path);
                String name = fn.path("name").asText("");
                if (name.isEmpty()) {
                    throw GeminiDialect.invalidArgument("* GenerateContentRequest." + path + ".name: Name cannot be empty.");
                }
                JsonNode parameters = fn.get("parametersJsonSchema");
                if (parameters == null && fn.has("parameters")) {
                    parameters = fn.get("parameters");
                    schema(parameters, path + ".parameters");
                }
                JsonNode description = fn.get("description");
                out.add(new Tool(name, description == null ? null : description.asText(), parameters, null));
            }
        }
        return out;
    }

    /** Rejects what Gemini rejects in an OpenAPI-subset schema: unknown keys, and OBJECTs with empty properties. */
    private static void schema(JsonNode schema, String path) {
        if (!schema.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            if (!SCHEMA.contains(e.getKey())) {
                throw GeminiDialect.invalidArgument("Invalid JSON payload received. Unknown name \"" + e.getKey()
                        + "\" at '" + path + "': Cannot find field.");
            }
        }
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            if (properties.isEmpty() && "object".equalsIgnoreCase(schema.path("type").asText())) {
                throw GeminiDialect.invalidArgument("* GenerateContentRequest." + path + ".properties: should be"
                        + " non-empty for OBJECT type");
            }
            for (Map.Entry<String, JsonNode> p : properties.properties()) {
                schema(p.getValue(), path + ".properties[" + p.getKey() + "].value");
            }
        }
        if (schema.has("items")) {
            schema(schema.get("items"), path + ".items");
        }
        JsonNode anyOf = schema.get("anyOf");
        if (anyOf != null) {
            for (int i = 0; i < anyOf.size(); i++) {
                schema(anyOf.get(i), path + ".any_of[" + i + "]");
            }
        }
    }

    /** Gemini's function calling mode as OpenAI's tool_choice. */
    private static JsonNode toolChoice(JsonNode toolConfig) {
        JsonNode config = toolConfig.path("functionCallingConfig");
        String mode = config.path("mode").asText("");
        JsonNode allowed = config.path("allowedFunctionNames");
        return switch (mode) {
            case "ANY" -> {
                if (allowed.size() == 1) {
                    ObjectNode named = Json.object().put("type", "function");
                    named.putObject("function").put("name", allowed.get(0).asText());
                    yield named;
                }
                yield TextNode.valueOf("required");
            }
            case "NONE" -> TextNode.valueOf("none");
            case "AUTO", "VALIDATED" -> TextNode.valueOf("auto");
            default -> null;
        };
    }

    private static JsonNode responseFormat(String mimeType, JsonNode schema) {
        if (!mimeType.equals("application/json")) {
            return null;
        }
        ObjectNode format = Json.object();
        if (schema == null || schema.isNull()) {
            return format.put("type", "json_object");
        }
        format.put("type", "json_schema");
        format.putObject("json_schema").put("name", "response").set("schema", schema);
        return format;
    }

    private static List<String> stops(JsonNode stops) {
        List<String> out = new ArrayList<>();
        if (stops != null) {
            stops.forEach(s -> out.add(s.asText()));
        }
        return out;
    }

    private static String text(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : parts) {
            if (part.path("text").isTextual()) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(part.get("text").asText());
            }
        }
        return sb.toString();
    }

    /**
     * Rejects unknown fields the way Gemini's JSON parser does. Gemini (proto JSON) accepts field
     * names in camelCase and in snake_case, so both are known here.
     */
    private static void knownFields(JsonNode node, Set<String> known, String path) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!known.contains(e.getKey()) && !known.contains(camelCase(e.getKey()))) {
                throw GeminiDialect.invalidArgument("Invalid JSON payload received. Unknown name \"" + e.getKey() + "\""
                        + (path == null ? "" : " at '" + path + "'") + ": Cannot find field.");
            }
        }
    }

    private static String camelCase(String snake) {
        StringBuilder sb = new StringBuilder(snake.length());
        boolean upper = false;
        for (int i = 0; i < snake.length(); i++) {
            char c = snake.charAt(i);
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }
}
