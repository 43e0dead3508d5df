package dev.sluice.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
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
import dev.sluice.provider.gemini.GeminiWire.GeminiUsage;
import dev.sluice.provider.gemini.GeminiWire.Ids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat operation's translation: a canonical (OpenAI) {@link ChatRequest} to a Gemini
 * {@code GenerateContentRequest}, and a {@code GenerateContentResponse} back to a canonical
 * {@link ChatResponse}. Pure functions of their arguments (ids come from the {@link Ids} given);
 * requests the translation cannot express fail with a 400 naming the parameter, before anything
 * is sent upstream.
 *
 * <p>What does not survive the trip: message {@code name}s, {@code user}, {@code metadata},
 * {@code parallel_tool_calls} (Gemini decides itself), {@code logprobs}, tool {@code strict}
 * flags, the schema keys Gemini rejects (see {@link GeminiSchema}), and the position of system
 * messages inside the conversation (they all become the one {@code systemInstruction}). Seeds
 * beyond 32 bits are folded to 32 bits. In responses, thought parts, thought signatures,
 * code-execution parts and safety ratings have no OpenAI field and are left out; function calls a
 * client sends back therefore carry Google's placeholder signature
 * ({@link GeminiWire#SKIP_SIGNATURE_VALIDATION}), which Gemini 3 models need.
 */
final class GeminiChat {
    /** Parses a whole text as one JSON value ("12:30" is text, not the number 12 followed by junk). */
    private static final ObjectReader WHOLE_JSON = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private GeminiChat() {}

    // ---------------------------------------------------------------- request

    static byte[] writeRequest(ChatRequest request) {
        ObjectNode body = toWire(request);
        return Json.write(gen -> gen.writeTree(body));
    }

    static ObjectNode toWire(ChatRequest r) {
        ObjectNode out = Json.object();
        ArrayNode system = Json.array();
        ArrayNode contents = contents(r.messages(), system);
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", system);
        }
        out.set("contents", contents);
        if (!r.tools().isEmpty()) {
            out.putArray("tools").addObject().set("functionDeclarations", functionDeclarations(r.tools()));
            if (r.toolChoice() != null && !r.toolChoice().isNull()) {
                out.putObject("toolConfig").set("functionCallingConfig", functionCallingConfig(r.toolChoice()));
            }
        }
        ObjectNode config = generationConfig(r);
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        passThrough(r.extra(), out);
        return out;
    }

    /**
     * Gemini's own request fields a client may add to an OpenAI request (as extra body fields):
     * {@code safetySettings} (an array) and {@code cachedContent} (a cached content's name), in
     * camelCase or snake_case. Nothing else unknown is sent: Gemini rejects unknown fields.
     */
    private static void passThrough(ObjectNode extra, ObjectNode out) {
        if (extra == null) {
            return;
        }
        JsonNode safety = extra.has("safetySettings") ? extra.get("safetySettings") : extra.get("safety_settings");
        if (safety != null && safety.isArray()) {
            out.set("safetySettings", safety);
        }
        JsonNode cached = extra.has("cachedContent") ? extra.get("cachedContent") : extra.get("cached_content");
        if (cached != null && cached.isTextual()) {
            out.set("cachedContent", cached);
        }
    }

    /**
     * The conversation as Gemini contents: user and tool messages become {@code user} turns,
     * assistant messages {@code model} turns, consecutive turns of one role are merged (Gemini
     * wants them alternating), and system/developer messages go to {@code systemOut}.
     */
    private static ArrayNode contents(List<ChatMessage> messages, ArrayNode systemOut) {
        ArrayNode out = Json.array();
        Map<String, String> callNames = new HashMap<>();
        ObjectNode turn = null;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String path = "messages[" + i + "]";
            ArrayNode parts = Json.array();
            String role;
            switch (m.role()) {
                case "system", "developer" -> {
                    GeminiContent.addText(systemOut, m.text());
                    continue;
                }
                case "user" -> {
                    role = GeminiWire.USER;
                    GeminiContent.appendUserParts(m.content(), path + ".content", parts);
                }
                case "assistant" -> {
                    role = GeminiWire.MODEL;
                    GeminiContent.appendModelParts(m.content(), path + ".content", parts);
                    for (int j = 0; j < m.toolCalls().size(); j++) {
                        ToolCall call = m.toolCalls().get(j);
                        if (call.id() != null) {
                            callNames.put(call.id(), call.name());
                        }
                        ObjectNode part = parts.addObject();
                        ObjectNode fc = part.putObject(GeminiWire.FUNCTION_CALL);
                        fc.put("name", call.name());
                        fc.set("args", arguments(call, path + ".tool_calls[" + j + "].function.arguments"));
                        part.put(GeminiWire.THOUGHT_SIGNATURE, GeminiWire.SKIP_SIGNATURE_VALIDATION);
                    }
                }
                case "tool" -> {
                    role = GeminiWire.USER;
                    ObjectNode fr = parts.addObject().putObject(GeminiWire.FUNCTION_RESPONSE);
                    fr.put("name", functionName(m, callNames, path));
                    fr.set("response", functionResponse(m.text()));
                }
                default -> throw SluiceException.invalidRequest(path + ".role", "Messages with role '" + m.role()
                        + "' cannot be sent to Gemini models; send function results as 'tool' messages.");
            }
            if (parts.isEmpty()) {
                continue; // Gemini rejects a turn without parts
            }
            if (turn == null || !turn.path("role").asText().equals(role)) {
                turn = out.addObject();
                turn.put("role", role);
                turn.putArray("parts");
            }
            ((ArrayNode) turn.get("parts")).addAll(parts);
        }
        return out;
    }

    /** The function a tool message answers: named by the assistant call with its id, or by the message's own name. */
    private static String functionName(ChatMessage m, Map<String, String> callNames, String path) {
        String name = m.toolCallId() == null ? null : callNames.get(m.toolCallId());
        if (name == null) {
            name = m.name();
        }
        if (name == null || name.isEmpty()) {
            throw SluiceException.invalidRequest(path + ".tool_call_id", "The tool message '" + path
                    + "' answers tool call '" + m.toolCallId() + "', but no earlier assistant message made a call with"
                    + " that id. Gemini needs the function's name: keep the assistant message with the tool call in"
                    + " 'messages', or set the tool message's 'name'.");
        }
        return name;
    }

    /**
     * A tool result as Gemini's {@code response} object: a JSON object result is sent as it is,
     * anything else (text, a number, an array) as {@code {"content": ...}} — JSON values parsed,
     * plain text as a string.
     */
    static ObjectNode functionResponse(String text) {
        JsonNode parsed = null;
        String trimmed = text.strip();
        if (!trimmed.isEmpty() && "{[\"-0123456789tfn".indexOf(trimmed.charAt(0)) >= 0) {
            try {
                parsed = WHOLE_JSON.readTree(trimmed);
            } catch (JsonProcessingException notJson) {
                parsed = null;
            }
        }
        if (parsed != null && parsed.isObject()) {
            return (ObjectNode) parsed;
        }
        ObjectNode wrapped = Json.object();
        wrapped.set("content", parsed != null && !parsed.isMissingNode() ? parsed : TextNode.valueOf(text));
        return wrapped;
    }

    /** A tool call's arguments as the JSON object Gemini's {@code args} needs; blank arguments are {}. */
    private static JsonNode arguments(ToolCall call, String param) {
        return ToolArguments.asObject(WHOLE_JSON, call, param, "Gemini models");
    }

    private static ArrayNode functionDeclarations(List<Tool> tools) {
        ArrayNode out = Json.array();
        for (Tool t : tools) {
            ObjectNode fn = out.addObject();
            fn.put("name", t.name());
            if (t.description() != null && !t.description().isEmpty()) {
                fn.put("description", t.description());
            }
            if (t.parameters() != null) {
                ObjectNode schema = GeminiSchema.convert(t.parameters());
                if (!GeminiSchema.isEmptyObject(schema)) {
                    fn.set("parameters", schema);
                }
            }
        }
        return out;
    }

    /**
     * OpenAI's tool_choice as Gemini's function calling mode: auto → AUTO, required → ANY,
     * none → NONE, a named function → ANY restricted to that name.
     */
    private static ObjectNode functionCallingConfig(JsonNode choice) {
        ObjectNode out = Json.object();
        if (choice.isTextual()) {
            out.put("mode", switch (choice.asText()) {
                case "required" -> "ANY";
                case "none" -> "NONE";
                default -> "AUTO";
            });
        } else {
            out.put("mode", "ANY");
            out.putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
        }
        return out;
    }

    private static ObjectNode generationConfig(ChatRequest r) {
        ObjectNode out = Json.object();
        if (!r.stop().isEmpty()) {
            ArrayNode stops = out.putArray("stopSequences");
            r.stop().forEach(stops::add);
        }
        if (r.n() != null && r.n() > 1) {
            out.put("candidateCount", r.n());
        }
        if (r.maxOutputTokens() != null) {
            out.put("maxOutputTokens", r.maxOutputTokens());
        }
        if (r.temperature() != null) {
            out.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            out.put("topP", r.topP());
        }
        ObjectNode extra = r.extra();
        if (extra != null) {
            copyNumber(extra, "top_k", out, "topK");
            copyNumber(extra, "presence_penalty", out, "presencePenalty");
            copyNumber(extra, "frequency_penalty", out, "frequencyPenalty");
        }
        if (r.seed() != null) {
            long seed = r.seed();
            // Gemini's seed is an int32; wider seeds are folded so different seeds stay (mostly) different
            out.put("seed", seed == (int) seed ? (int) seed : (int) (seed ^ (seed >>> 32)));
        }
        switch (r.responseFormatType()) {
            case "json_object" -> out.put("responseMimeType", "application/json");
            case "json_schema" -> {
                out.put("responseMimeType", "application/json");
                JsonNode schema = r.responseFormat().path("json_schema").get("schema");
                if (schema != null && schema.isObject()) {
                    out.set("responseSchema", GeminiSchema.convert(schema));
                }
            }
            default -> {
                // text: Gemini's default
            }
        }
        return out;
    }

    private static void copyNumber(ObjectNode from, String field, ObjectNode to, String geminiField) {
        JsonNode value = from.get(field);
        if (value != null && value.isNumber()) {
            to.set(geminiField, value);
        }
    }

    // ---------------------------------------------------------------- response

    /**
     * A canonical response for a Gemini {@code GenerateContentResponse}: each candidate is a
     * choice, its text parts joined into the content, its function calls tool calls with made-up
     * ids. Gemini has no creation time, so the caller supplies one.
     */
    /** A candidate's parts without its thoughts (a thought summary has no canonical place). */
    static List<JsonNode> answerParts(JsonNode candidate) {
        List<JsonNode> parts = new ArrayList<>();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (!part.path(GeminiWire.THOUGHT).asBoolean(false)) {
                parts.add(part);
            }
        }
        return parts;
    }

    static ChatResponse readResponse(JsonNode root, long created, String fallbackModel, Ids ids) {
        List<Choice> choices = new ArrayList<>();
        for (JsonNode candidate : root.path("candidates")) {
            StringBuilder text = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode part : answerParts(candidate)) {
                if (part.path(GeminiWire.TEXT).isTextual()) {
                    text.append(part.get(GeminiWire.TEXT).asText());
                } else if (part.path(GeminiWire.FUNCTION_CALL).isObject()) {
                    calls.add(toolCall(part.get(GeminiWire.FUNCTION_CALL), ids));
                }
            }
            JsonNode content = text.isEmpty() && !calls.isEmpty() ? null : TextNode.valueOf(text.toString());
            ChatMessage message = new ChatMessage("assistant", content, null, calls, null, null);
            String finish = GeminiWire.finishReason(textOrNull(candidate.get("finishReason")), !calls.isEmpty());
            choices.add(new Choice(candidate.path("index").asInt(choices.size()), message, finish, null));
        }
        String id = root.path("responseId").asText("");
        return new ChatResponse(id.isEmpty() ? ids.next("chatcmpl-") : id, created,
                root.path("modelVersion").asText(fallbackModel), choices,
                GeminiUsage.read(root.get("usageMetadata")).toCanonical(), null, null);
    }

    /** A Gemini function call as a canonical tool call; Gemini's own id is kept when it sends one. */
    static ToolCall toolCall(JsonNode functionCall, Ids ids) {
        JsonNode args = functionCall.get("args");
        String id = functionCall.path("id").asText("");
        return new ToolCall(id.isEmpty() ? ids.next("call_") : id, functionCall.path("name").asText(),
                args == null || args.isNull() ? "{}" : Json.string(args));
    }

    static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
