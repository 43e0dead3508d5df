package dev.sluice.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.prompts.PromptRef;

/**
 * A model a suite evaluates ({@code providers:} / {@code targets:}), reached through the gateway:
 * its id as written ({@code openai:chat:gpt-4o-mini}), its label in reports, the gateway model name,
 * and the request parameters of its {@code config} (temperature, max_tokens, response_format,
 * tools...) merged into every request.
 *
 * @param baseUrl {@code config.apiBaseUrl}, used when the command is given no {@code --url}; or null
 * @param apiKey  {@code config.apiKey}, used when the command is given no {@code --key}; or null
 * @param prompt  for {@code sluice:prompt:NAME[@VERSION|:LABEL]}: the registry prompt the gateway's prompt
 *                stage renders with each test's variables (then {@code model} is null unless
 *                {@code config.model} overrides the prompt's); null for a plain model
 */
public record Target(String id, String label, String model, ObjectNode params, String baseUrl, String apiKey,
                     PromptRef prompt) {

    public Target(String id, String label, String model, ObjectNode params, String baseUrl, String apiKey) {
        this(id, label, model, params, baseUrl, apiKey, null);
    }

    /** The column name in reports: the label when given, else the id. */
    public String name() {
        return label != null ? label : id;
    }
}
