package dev.sluice.prompts;

import static dev.sluice.prompts.PromptRegistryTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.Json;
import dev.sluice.prompts.template.TemplateEngine;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rendering a prompt version with a request's variables")
class PromptRendererTest {
    private final PromptRenderer renderer = new PromptRenderer(TemplateEngine.strict());
    private final PromptDefinition support = PromptFiles.parse("support.yaml", PromptFilesTest.SUPPORT);
    private final PromptVersion version = new PromptVersion("support", 3, support.content(), support.content().hash(),
            null, "ak", 0);

    @Test
    @DisplayName("the messages render in order with the variables, and the version lists what it expects")
    void renders() {
        Map<String, Object> vars = PromptRenderer.variables(Json.parse(
                "{\"company\":\"Acme\",\"tier\":\"gold\",\"question\":\"Where is my order?\"}".getBytes(StandardCharsets.UTF_8)),
                "prompt.variables");
        PromptRenderer.Rendered r = renderer.render(version, vars);
        assertThat(r.messages()).extracting(ChatMessage::role).containsExactly("system", "user");
        assertThat(r.messages().get(0).text()).isEqualTo("""
                You are the support assistant of Acme.
                The customer is a gold member: be extra careful.
                Answer in JSON: {"answer": "..."}""");
        assertThat(r.messages().get(1).text()).isEqualTo("Where is my order?");
        assertThat(renderer.variablesOf(version)).containsExactly("company", "tier", "question");
    }

    @Test
    @DisplayName("the documented example (examples/prompts/support-answer.yaml) reads and renders")
    void example() {
        PromptDefinition d = PromptFiles.read(java.nio.file.Path.of("examples/prompts/support-answer.yaml"));
        PromptVersion v = new PromptVersion(d.name(), 1, d.content(), d.content().hash(), null, "ak", 0);
        PromptRenderer.Rendered r = renderer.render(v, Map.of("company", "Acme", "tier", "gold", "question", "Refund?",
                "articles", java.util.List.of(Map.of("title", "Refunds", "body", "Within 30 days."))));
        assertThat(r.messages().getFirst().text()).contains("gold member", "1. Refunds: Within 30 days.")
                .doesNotContain("{%").doesNotContain("\n\n");
    }

    @Test
    @DisplayName("missing and unknown variables are 400s naming prompt.variables.NAME; variables must be an object")
    void errors() {
        assertError(() -> renderer.render(version, Map.of("company", "Acme", "tier", "x")), 400, "missing_prompt_variable");
        try {
            renderer.render(version, Map.of("company", "Acme", "tier", "x"));
        } catch (dev.sluice.api.SluiceException e) {
            assertThat(e.param()).isEqualTo("prompt.variables.question");
            assertThat(e.getMessage()).startsWith("Prompt support@3: ").contains("'question'");
        }
        assertError(() -> renderer.render(version, Map.of("company", "A", "tier", "x", "question", "q", "qestion", "q")),
                400, "unknown_prompt_variable");
        assertError(() -> PromptRenderer.variables(Json.parse("[1]".getBytes(StandardCharsets.UTF_8)), "prompt.variables"),
                400, "invalid_type");
    }
}
