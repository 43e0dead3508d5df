package dev.sluice.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.SluiceException;
import java.util.Map;
import java.util.Set;

/**
 * The {@code prompt} field of a chat request, in the shape of OpenAI's Responses API:
 * {@code {"id": NAME, "version": N | "label": L, "variables": {...}}}. {@code version} may be a
 * number or a numeric string (OpenAI sends strings). Neither version nor label means the
 * {@code production} label when the prompt has one, else the latest version.
 *
 * @param version   an explicit version, or null
 * @param label     an explicit label, or null
 * @param variables the template variables (JSON values)
 */
public record PromptCall(String name, Integer version, String label, Map<String, Object> variables) {
    /** The label a request without version or label uses, when the prompt has it. */
    public static final String DEFAULT_LABEL = "production";
    private static final Set<String> KEYS = Set.of("id", "version", "label", "variables");

    public static PromptCall parse(JsonNode node) {
        if (!node.isObject()) {
            throw SluiceException.invalidType("prompt", "an object like {\"id\": \"NAME\", \"label\": \"production\","
                    + " \"variables\": {...}}");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                throw SluiceException.invalidRequest("prompt." + key, "Unknown field 'prompt." + key
                        + "'. A prompt reference has id, version or label, and variables.");
            }
        });
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            throw SluiceException.missing("prompt.id");
        }
        if (!id.isTextual()) {
            throw SluiceException.invalidType("prompt.id", "a string (the prompt's name)");
        }
        String name = PromptNames.requirePrompt(id.asText(), "prompt.id");
        Integer version = version(node.get("version"));
        JsonNode labelNode = node.get("label");
        String label = null;
        if (labelNode != null && !labelNode.isNull()) {
            if (!labelNode.isTextual()) {
                throw SluiceException.invalidType("prompt.label", "a string");
            }
            label = PromptNames.requireLabel(labelNode.asText(), "prompt.label");
        }
        if (version != null && label != null) {
            throw SluiceException.invalidRequest("prompt.version", "Give either prompt.version or prompt.label, not both.");
        }
        return new PromptCall(name, version, label, PromptRenderer.variables(node.get("variables"), "prompt.variables"));
    }

    private static Integer version(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        long n = -1;
        if (v.isIntegralNumber()) {
            n = v.asLong();
        } else if (v.isTextual()) {
            try {
                n = Long.parseLong(v.asText().strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
        }
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw SluiceException.invalidRequest("prompt.version", "prompt.version is a version number from 1, e.g. 3;"
                    + " got " + v + ".");
        }
        return (int) n;
    }
}
