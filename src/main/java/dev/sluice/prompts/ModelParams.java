package dev.sluice.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Fields;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The model parameters a prompt version was written for; each is used unless the request sets it.
 * Null (or empty) means "not set". The JSON objects keep OpenAI's wire shape.
 */
public record ModelParams(Double temperature, Double topP, Integer maxTokens, JsonNode responseFormat,
                          JsonNode tools, JsonNode toolChoice, List<String> stop, Long seed) {
    public static final ModelParams NONE = new ModelParams(null, null, null, null, null, null, List.of(), null);
    static final Set<String> KEYS = Set.of("temperature", "top_p", "max_tokens", "response_format", "tools",
            "tool_choice", "stop", "seed");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");

    public ModelParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** Reads {@code params} of a prompt definition; errors are 400s naming {@code prefix.key}. */
    public static ModelParams fromJson(JsonNode node, String prefix) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw SluiceException.invalidType(prefix, "an object");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                throw SluiceException.invalidRequest(Fields.path(prefix, key), "Unknown parameter '" + key
                        + "'. Supported: " + String.join(", ", KEYS.stream().sorted().toList()) + ".");
            }
        });
        JsonNode format = Fields.optionalObject(node, "response_format", prefix);
        if (format != null) {
            Fields.oneOf(Fields.requiredString(format, "type", Fields.path(prefix, "response_format")), RESPONSE_FORMATS,
                    Fields.path(prefix, "response_format.type"));
        }
        JsonNode tools = Fields.optionalArray(node, "tools", prefix);
        if (tools != null) {
            for (int i = 0; i < tools.size(); i++) {
                String at = Fields.path(prefix, "tools[" + i + "]");
                if (!tools.get(i).isObject()) {
                    throw SluiceException.invalidType(at, "an object");
                }
                Fields.oneOf(Fields.requiredString(tools.get(i), "type", at), Set.of("function"), at + ".type");
                JsonNode function = Fields.optionalObject(tools.get(i), "function", at);
                if (function == null) {
                    throw SluiceException.missing(at + ".function");
                }
                Fields.requiredString(function, "name", at + ".function");
            }
        }
        JsonNode choice = Fields.present(node, "tool_choice");
        if (choice != null && !choice.isTextual() && !choice.isObject()) {
            throw SluiceException.invalidType(Fields.path(prefix, "tool_choice"), "a string or an object");
        }
        return new ModelParams(Fields.optionalNumber(node, "temperature", prefix, 0, 2),
                Fields.optionalNumber(node, "top_p", prefix, 0, 1),
                Fields.optionalInt(node, "max_tokens", prefix, 1, Integer.MAX_VALUE),
                format, tools, choice, stop(node, prefix), Fields.optionalLong(node, "seed", prefix));
    }

    private static List<String> stop(JsonNode node, String prefix) {
        JsonNode stop = Fields.present(node, "stop");
        if (stop == null) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray() || stop.size() > 4) {
            throw SluiceException.invalidType(Fields.path(prefix, "stop"), "a string or an array of up to 4 strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : stop) {
            if (!s.isTextual()) {
                throw SluiceException.invalidType(Fields.path(prefix, "stop"), "a string or an array of up to 4 strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** The set parameters under their wire names, in a fixed order. */
    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        if (temperature != null) {
            out.put("temperature", temperature);
        }
        if (topP != null) {
            out.put("top_p", topP);
        }
        if (maxTokens != null) {
            out.put("max_tokens", maxTokens);
        }
        if (responseFormat != null) {
            out.set("response_format", responseFormat);
        }
        if (tools != null) {
            out.set("tools", tools);
        }
        if (toolChoice != null) {
            out.set("tool_choice", toolChoice);
        }
        if (!stop.isEmpty()) {
            out.set("stop", Json.MAPPER.valueToTree(stop));
        }
        if (seed != null) {
            out.put("seed", seed);
        }
        return out;
    }
}
