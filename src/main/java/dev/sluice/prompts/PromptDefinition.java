package dev.sluice.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Fields;
import dev.sluice.api.SluiceException;
import java.util.Set;

/**
 * A prompt as written in a {@code prompts/*.yaml} file or sent to the admin API: the prompt's own
 * fields (name, owning team, description) and the content of the version it should have.
 */
public record PromptDefinition(String name, String team, String description, PromptContent content) {
    static final Set<String> KEYS = Set.of("name", "team", "description", "model", "params", "guardrail_policy",
            "messages");

    /**
     * Reads and validates a definition; {@code defaultName} (a file's base name) is used when it
     * has no {@code name}. Errors are 400s naming the field by its path.
     */
    public static PromptDefinition fromJson(JsonNode node, String defaultName) {
        if (node == null || !node.isObject()) {
            throw SluiceException.invalidType("prompt", "an object (name, messages, model, params, ...)");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                throw SluiceException.invalidRequest(key, "Unknown field '" + key + "' in a prompt. Known fields: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ".");
            }
        });
        String name = Fields.optionalString(node, "name", "");
        name = PromptNames.requirePrompt(name != null ? name : defaultName, "name");
        String team = Fields.optionalString(node, "team", "");
        return new PromptDefinition(name, team, Fields.optionalString(node, "description", ""),
                PromptContent.fromJson(node, ""));
    }
}
