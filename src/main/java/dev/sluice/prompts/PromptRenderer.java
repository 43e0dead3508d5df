package dev.sluice.prompts;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.prompts.template.CompiledTemplate;
import dev.sluice.prompts.template.TemplateEngine;
import dev.sluice.prompts.template.TemplateException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a prompt version's messages with a request's variables. Templates are compiled once per
 * version (versions never change) and kept in a bounded cache. Errors are 400s in the OpenAI format
 * naming the variable ({@code prompt.variables.question}).
 */
public final class PromptRenderer {
    /** Compiled versions kept in memory. */
    public static final int MAX_COMPILED_VERSIONS = 2_000;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** A version rendered: its messages, ready to go before the request's own. */
    public record Rendered(PromptVersion version, List<ChatMessage> messages) {}

    private final TemplateEngine engine;
    private final Cache<String, List<CompiledTemplate>> compiled = Caffeine.newBuilder()
            .maximumSize(MAX_COMPILED_VERSIONS).build();

    public PromptRenderer(TemplateEngine engine) {
        this.engine = engine;
    }

    /**
     * The variables of a request ({@code prompt.variables}): a JSON object whose values are
     * strings, numbers, booleans, arrays or objects; null or absent means none.
     */
    public static Map<String, Object> variables(JsonNode node, String param) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw SluiceException.invalidType(param, "an object of variable names to values");
        }
        return Json.MAPPER.convertValue(node, MAP);
    }

    /** The variables the version's templates expect, in order of first use. */
    public Set<String> variablesOf(PromptVersion version) {
        Set<String> out = new LinkedHashSet<>();
        templates(version).forEach(t -> out.addAll(t.variables()));
        return out;
    }

    public Rendered render(PromptVersion version, Map<String, ?> variables) {
        List<CompiledTemplate> templates = templates(version);
        List<PromptMessage> messages = version.content().messages();
        List<ChatMessage> out = new ArrayList<>(messages.size());
        try {
            engine.requireUsed(variables.keySet(), templates);
            for (int i = 0; i < messages.size(); i++) {
                out.add(ChatMessage.of(messages.get(i).role(), templates.get(i).render(variables)));
            }
        } catch (TemplateException e) {
            throw clientError(version, e);
        }
        return new Rendered(version, out);
    }

    private List<CompiledTemplate> templates(PromptVersion version) {
        return compiled.get(version.ref() + "#" + version.contentHash(), key -> {
            List<CompiledTemplate> list = new ArrayList<>();
            for (PromptMessage m : version.content().messages()) {
                list.add(engine.compile(m.content()));
            }
            return List.copyOf(list);
        });
    }

    private static SluiceException clientError(PromptVersion version, TemplateException e) {
        String where = "Prompt " + version.ref() + ": ";
        return switch (e.kind()) {
            case MISSING_VARIABLE -> new SluiceException(400, "invalid_request_error", "missing_prompt_variable",
                    "prompt.variables." + e.variable(), where + e.getMessage());
            case UNUSED_VARIABLE -> new SluiceException(400, "invalid_request_error", "unknown_prompt_variable",
                    "prompt.variables." + e.variable(), where + e.getMessage());
            case LIMIT -> new SluiceException(400, "invalid_request_error", "prompt_too_large", "prompt.variables",
                    where + e.getMessage());
            default -> new SluiceException(400, "invalid_request_error", "prompt_render_failed", "prompt",
                    where + e.getMessage());
        };
    }
}
