package dev.sluice.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.eval.score.Scorers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Suites are read from promptfoo's YAML, checked before anything runs")
class SuiteLoaderTest {
    private final SuiteLoader loader = new SuiteLoader(Scorers.standard());

    @TempDir
    Path dir;

    private Suite parse(String yaml) {
        return loader.parse(yaml, "suite.yaml", dir);
    }

    @Test
    @DisplayName("prompts, providers with config, tests with vars and asserts, defaultTest merged, evaluateOptions")
    void fullSuite() {
        Suite s = parse("""
                description: demo
                prompts:
                  - 'Tell me about {{topic}}'
                  - raw: 'Summarise {{topic}}'
                    label: summary
                providers:
                  - openai:chat:gpt-4o-mini
                  - id: openai:gpt-4o
                    label: big
                    config: {temperature: 0.2, max_tokens: 50}
                defaultTest:
                  vars: {style: short}
                  assert:
                    - type: latency
                      threshold: 5000
                  options:
                    provider: openai:chat:judge-model
                evaluateOptions: {maxConcurrency: 3, repeat: 2}
                tests:
                  - description: bananas
                    vars: {topic: bananas}
                    threshold: 0.5
                    assert:
                      - type: icontains
                        value: banana
                        weight: 2
                        metric: relevance
                      - type: not-regex
                        value: '(?i)sorry'
                """);
        assertThat(s.prompts()).extracting(EvalPrompt::label).containsExactly("Tell me about {{topic}}", "summary");
        assertThat(s.targets()).extracting(Target::model).containsExactly("gpt-4o-mini", "gpt-4o");
        assertThat(s.targets().get(1).params().path("max_tokens").asInt()).isEqualTo(50);
        assertThat(s.grader()).isEqualTo("judge-model");
        assertThat(s.maxConcurrency()).isEqualTo(3);
        assertThat(s.repeat()).isEqualTo(2);
        TestCase t = s.tests().getFirst();
        assertThat(t.vars()).containsEntry("topic", "bananas").containsEntry("style", "short");
        assertThat(t.asserts()).extracting(Assertion::label).containsExactly("latency", "icontains", "not-regex");
        assertThat(t.asserts().get(1).weight()).isEqualTo(2);
        assertThat(t.threshold()).isEqualTo(0.5);
    }

    @Test
    @DisplayName("unknown keys, types and providers fail with file, line and a fix")
    void errors() {
        assertThatThrownBy(() -> parse("""
                prompts: [hi]
                providers: [openai:chat:m]
                tests:
                  - vars: {a: 1}
                    assert:
                      - type: icontain
                        value: x
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("suite.yaml:6")
                .hasMessageContaining("unknown assertion type 'icontain'").hasMessageContaining("did you mean 'icontains'");
        assertThatThrownBy(() -> parse("""
                prompts: [hi]
                providers: [anthropic:messages:claude]
                """)).hasMessageContaining("suite.yaml:2").hasMessageContaining("unsupported provider");
        assertThatThrownBy(() -> parse("""
                prompts: [hi]
                providers: [openai:chat:m]
                sharing: true
                """)).hasMessageContaining("suite.yaml:3").hasMessageContaining("unknown key 'sharing'");
        assertThatThrownBy(() -> parse("""
                prompts: [hi]
                providers: [openai:chat:m]
                tests:
                  - assert:
                      - type: regex
                        value: '(unclosed'
                """)).hasMessageContaining("suite.yaml:5").hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> parse("""
                prompts: [hi]
                providers:
                  - id: openai:chat:m
                    config: {temprature: 1}
                """)).hasMessageContaining("did you mean 'temperature'");
    }

    @Test
    @DisplayName("file:// prompts (globs, --- separated, chat JSON) and CSV and JSONL tests")
    void files() throws Exception {
        Files.createDirectories(dir.resolve("prompts"));
        Files.writeString(dir.resolve("prompts/a.txt"), "First {{x}}\n---\nSecond {{x}}\n");
        Files.writeString(dir.resolve("prompts/b.json"), "[{\"role\":\"system\",\"content\":\"Be brief\"},{\"role\":\"user\",\"content\":\"{{x}}\"}]");
        Files.writeString(dir.resolve("tests.csv"), """
                x,__expected,__expected2,__description
                "hello, world",contains:hello,similar(0.8):hi there,greeting
                plain,Paris,not-icontains:sorry,
                """);
        Files.writeString(dir.resolve("more.jsonl"), """
                {"vars": {"x": "one"}, "assert": [{"type": "is-json"}]}
                {"x": "two"}
                """);
        Suite s = parse("""
                prompts: [file://prompts/*]
                providers: [openai:chat:m]
                tests:
                  - file://tests.csv
                  - file://more.jsonl
                """);
        assertThat(s.prompts()).extracting(EvalPrompt::label).containsExactly("prompts/a.txt#1", "prompts/a.txt#2", "prompts/b.json");
        assertThat(s.prompts().get(2).messages()).extracting(EvalPrompt.Message::role).containsExactly("system", "user");
        assertThat(s.tests()).hasSize(4);
        TestCase greeting = s.tests().getFirst();
        assertThat(greeting.description()).isEqualTo("greeting");
        assertThat(greeting.vars()).containsEntry("x", "hello, world");
        assertThat(greeting.asserts()).extracting(Assertion::label).containsExactly("contains", "similar");
        assertThat(greeting.asserts().get(1).threshold()).isEqualTo(0.8);
        assertThat(s.tests().get(1).asserts()).extracting(Assertion::label).containsExactly("equals", "not-icontains");
        assertThat(s.tests().get(2).asserts()).extracting(Assertion::label).containsExactly("is-json");
        assertThat(s.tests().get(3).vars()).containsEntry("x", "two");
        assertThat(s.tests().get(1).where()).isEqualTo(dir.resolve("tests.csv") + ":3");
    }

    @Test
    @DisplayName("the example suite in examples/evals loads")
    void example() {
        Suite s = loader.load(Path.of("examples/evals/promptfooconfig.yaml"));
        assertThat(s.prompts()).hasSize(3);
        assertThat(s.targets()).extracting(Target::name).containsExactly("mini", "big");
        assertThat(s.tests()).hasSize(4);
        assertThat(s.tests().get(3).asserts()).extracting(Assertion::label)
                .containsExactly("latency", "cost", "not-icontains", "icontains-any", "llm-rubric");
    }
}
