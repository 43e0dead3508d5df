package dev.sluice.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Prompts as code: prompts/*.yaml files")
class PromptFilesTest {
    static final String SUPPORT = """
            # Answers support questions from the knowledge base.
            team: support
            description: Support answers
            model: gpt-4o-mini
            params:
              temperature: 0.2
              max_tokens: 400
              response_format: {type: json_object}
              tools:
                - type: function
                  function: {name: lookup_order, parameters: {type: object, properties: {id: {type: string}}}}
              stop: ["\\n\\nUser:"]
            guardrail_policy: strict
            messages:
              - role: system
                content: |
                  You are the support assistant of {{ company }}.
                  {% if tier == "gold" %}
                  The customer is a gold member: be extra careful.
                  {% endif %}
                  Answer in JSON: {"answer": "..."}
              - role: user
                content: "{{ question }}"
            """;

    @TempDir
    Path dir;

    @Test
    @DisplayName("a file reads into a definition named after the file, with its model, parameters and messages")
    void reads() {
        PromptDefinition d = PromptFiles.parse("support-answer.yaml", SUPPORT);
        assertThat(d.name()).isEqualTo("support-answer");
        assertThat(d.team()).isEqualTo("support");
        assertThat(d.content().model()).isEqualTo("gpt-4o-mini");
        assertThat(d.content().params().temperature()).isEqualTo(0.2);
        assertThat(d.content().params().tools().get(0).path("function").path("name").asText()).isEqualTo("lookup_order");
        assertThat(d.content().params().stop()).containsExactly("\n\nUser:");
        assertThat(d.content().guardrailPolicy()).isEqualTo("strict");
        assertThat(d.content().messages()).extracting(PromptMessage::role).containsExactly("system", "user");
        assertThat(d.content().messages().getFirst().content()).startsWith("You are the support assistant of {{ company }}.\n");
    }

    @Test
    @DisplayName("writing is deterministic and reads back to the same content hash (pull then push changes nothing)")
    void roundTrip() throws Exception {
        PromptDefinition d = PromptFiles.parse("support-answer.yaml", SUPPORT);
        Path file = PromptFiles.write(dir, d, List.of("support-answer@3 (production)"));
        String text = Files.readString(file);
        assertThat(text).startsWith("# support-answer@3 (production)\nname: support-answer\n");
        assertThat(text).contains("content: |");
        PromptDefinition back = PromptFiles.read(file);
        assertThat(back).isEqualTo(d);
        assertThat(back.content().hash()).isEqualTo(d.content().hash());
        assertThat(PromptFiles.yaml(back, List.of())).isEqualTo(PromptFiles.yaml(d, List.of()));

        String tricky = "messages:\n  - role: user\n    content: \"yes\"\n  - role: assistant\n    content: \"  padded \\n\\n\"\n"
                + "  - role: user\n    content: \"- {{ x }}: #1\"\n";
        PromptDefinition t = PromptFiles.parse("tricky.yaml", tricky);
        assertThat(PromptFiles.parse("tricky.yaml", PromptFiles.yaml(t, List.of())).content()).isEqualTo(t.content());
    }

    @Test
    @DisplayName("mistakes name the file and the field: unknown keys and parameters, bad roles, bad YAML, duplicates")
    void errors() throws Exception {
        assertThatThrownBy(() -> PromptFiles.parse("a.yaml", "modle: x\nmessages: [{role: user, content: hi}]"))
                .hasMessageContaining("a.yaml: modle: Unknown field 'modle'");
        assertThatThrownBy(() -> PromptFiles.parse("a.yaml", "params: {temprature: 1}\nmessages: [{role: user, content: hi}]"))
                .hasMessageContaining("a.yaml: params.temprature: Unknown parameter").hasMessageContaining("temperature");
        assertThatThrownBy(() -> PromptFiles.parse("a.yaml", "params: {temperature: 3}\nmessages: [{role: user, content: hi}]"))
                .hasMessageContaining("params.temperature");
        assertThatThrownBy(() -> PromptFiles.parse("a.yaml", "messages: [{role: robot, content: hi}]"))
                .hasMessageContaining("messages[0].role");
        assertThatThrownBy(() -> PromptFiles.parse("a.yaml", "messages: []")).hasMessageContaining("at least one message");
        assertThatThrownBy(() -> PromptFiles.parse("a.yaml", "messages:\n  - role: user\n   content: hi\n"))
                .hasMessageContaining("a.yaml: not valid YAML").hasMessageContaining("line");
        assertThatThrownBy(() -> PromptFiles.parse("Bad Name.yaml", "messages: [{role: user, content: hi}]"))
                .hasMessageContaining("Invalid prompt name 'Bad Name'");

        Files.writeString(dir.resolve("one.yaml"), "name: same\nmessages: [{role: user, content: hi}]");
        Files.writeString(dir.resolve("two.yml"), "name: same\nmessages: [{role: user, content: ho}]");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        assertThatThrownBy(() -> PromptFiles.readDirectory(dir)).hasMessageContaining("two.yml")
                .hasMessageContaining("also defined in").hasMessageContaining("one.yaml");
        Files.delete(dir.resolve("two.yml"));
        assertThat(PromptFiles.readDirectory(dir)).extracting(l -> l.definition().name()).containsExactly("same");
    }
}
