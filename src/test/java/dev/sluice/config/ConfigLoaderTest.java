package dev.sluice.config;

import dev.sluice.app.Registries;
import dev.sluice.provider.azure.AzureOpenAi;
import dev.sluice.provider.simulator.SimulatorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


class ConfigLoaderTest {
    private final ConfigLoader loader = Registries.configLoader(Map.of("OPENAI_API_KEY", "sk-from-env"));

    private static final String MINIMAL = """
            providers:
              openai:
                type: openai
                api_key: ${env:OPENAI_API_KEY}
            models:
              gpt-4o:
                provider: openai
            """;

    @Test
    @DisplayName("the kitchen-sink example config parses with every option")
    void exampleParses() {
        SluiceConfig c = Registries.configLoader(Map.of()).load(Path.of("examples/sluice.yaml"));
        assertThat(c.providers()).containsKeys("openai", "local-vllm", "ollama", "anthropic", "gemini", "azure", "sim");
        assertThat(c.providers().get("azure").options()).isEqualTo(new AzureOpenAi.Options("2024-10-21"));
        assertThat(((ModelConfig.Deployed) c.models().get("chat-default")).deployments()).hasSize(2);
        assertThat(((ModelConfig.Deployed) c.models().get("chat-default")).deployments().getFirst().weight()).isEqualTo(3);
        assertThat(((SimulatorType.Options) c.providers().get("sim").options()).behaviour().ttft())
                .isEqualTo(Duration.ofMillis(50));
        assertThat(c.providers().get("anthropic").forwardHeaders()).containsExactly("anthropic-beta");
        assertThat(c.server().maxBodyBytes()).isEqualTo(20L * 1024 * 1024);
    }

    @Test
    @DisplayName("the built-in demo config parses and serves the simulator")
    void demoParses() {
        SluiceConfig c = Registries.configLoader(Map.of()).loadDemo();
        assertThat(c.providers().values()).allMatch(p -> p.type().equals("simulator"));
        assertThat(c.modelNames()).contains("gpt-4o-mini", "claude-3-5-haiku", "text-embedding-3-small");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.auth().adminKey()).isNull();
    }

    @Test
    @DisplayName("defaults fill what a minimal config leaves out, and ${env:...} is resolved")
    void defaults() {
        SluiceConfig c = loader.parse(MINIMAL, "sluice.yaml");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.auth().enabled()).isTrue();
        assertThat(c.providers().get("openai").apiKey()).isEqualTo("sk-from-env");
        assertThat(c.providers().get("openai").baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(c.providers().get("openai").timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(((ModelConfig.Deployed) c.models().get("gpt-4o")).deployments().getFirst().model()).isEqualTo("gpt-4o");
    }

    @Test
    @DisplayName("a missing environment variable names the file, line, key and the fix")
    void missingEnv() {
        assertThatThrownBy(() -> Registries.configLoader(Map.of()).parse(MINIMAL, "sluice.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sluice.yaml:4: providers.openai.api_key: environment variable OPENAI_API_KEY is not set")
                .hasMessageContaining("Fix:");
    }

    @Test
    @DisplayName("${file:PATH} reads a secret file without its line break, relative to the config file")
    void fileReferences(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("openai.key"), "sk-from-a-file\n");
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, MINIMAL.replace("${env:OPENAI_API_KEY}", "${file:openai.key}"));
        assertThat(loader.load(config).providers().get("openai").apiKey()).isEqualTo("sk-from-a-file");

        Files.writeString(config, MINIMAL.replace("${env:OPENAI_API_KEY}", "${file:missing.key}"));
        assertThatThrownBy(() -> loader.load(config))
                .hasMessageContaining("sluice.yaml:4: providers.openai.api_key: the file " + dir.resolve("missing.key")
                        + " does not exist")
                .hasMessageContaining("Fix: mount or create it");
    }

    @Test
    @DisplayName("${file:PATH} is trimmed (spaces and blank lines around the secret) and an unreadable file says why")
    void fileReferenceTrimmedAndUnreadable(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("openai.key");
        Files.writeString(secret, "\n  sk-padded \t\n\n");
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, MINIMAL.replace("${env:OPENAI_API_KEY}", "${file:openai.key}"));
        assertThat(loader.load(config).providers().get("openai").apiKey()).isEqualTo("sk-padded");

        Files.write(secret, new byte[] {(byte) 0xff, (byte) 0xfe, 'k'});
        assertThatThrownBy(() -> loader.load(config)).hasMessageContaining("is not UTF-8 text");
        if (secret.getFileSystem().supportedFileAttributeViews().contains("posix") && !"root".equals(System.getProperty("user.name"))) {
            Files.writeString(secret, "sk");
            Files.setPosixFilePermissions(secret, java.util.Set.of());
            assertThatThrownBy(() -> loader.load(config)).hasMessageContaining("permission denied");
        }
    }

    @Test
    @DisplayName("every broken section is reported in one go, each with its line; sections naming a broken one wait for its fix")
    void everyProblem() {
        String yaml = MINIMAL.replace("type: openai", "type: openia") + """
                server:
                  port: eighty
                retention:
                  audit: forever
                limits:
                  key:
                    rpm: many
                """;
        assertThatThrownBy(() -> loader.parse(yaml, "sluice.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.problems().get(0)).startsWith("sluice.yaml:9: server.port");
                    assertThat(e.problems().get(1)).startsWith("sluice.yaml:3: providers.openai.type").contains("openia");
                    assertThat(e.problems().get(2)).startsWith("sluice.yaml:11: retention.audit");
                    assertThat(e.getMessage()).startsWith("3 problems in the config:\n  sluice.yaml:9: server.port");
                });
        // every broken model too, each with its line
        String models = MINIMAL + """
                  one:
                    provider: nope
                  two:
                    provider: openai
                    weight: heavy
                """;
        assertThatThrownBy(() -> loader.parse(models, "sluice.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.problems().get(0)).startsWith("sluice.yaml:9: models.one.provider").contains("nope");
                    assertThat(e.problems().get(1)).startsWith("sluice.yaml:12: models.two.weight");
                });
        // with the providers fixed, the limits section (it names models) is checked too
        assertThatThrownBy(() -> loader.parse(yaml.replace("openia", "openai"), "sluice.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3)
                        .last().asString().contains("limits.key.rpm"));
    }

    @Test
    @DisplayName("an unknown key suggests the closest known one")
    void unknownKeySuggestion() {
        String yaml = MINIMAL.replace("type: openai", "type: openai\n    base_ulr: http://x");
        assertThatThrownBy(() -> loader.parse(yaml, "sluice.yaml"))
                .hasMessageContaining("sluice.yaml:4: providers.openai.base_ulr: unknown key 'base_ulr'")
                .hasMessageContaining("did you mean 'base_url'?");
    }

    @Test
    @DisplayName("a model pointing at an undefined provider fails at load, listing the defined ones")
    void danglingProvider() {
        String yaml = MINIMAL.replace("provider: openai", "provider: opneai");
        assertThatThrownBy(() -> loader.parse(yaml, "sluice.yaml"))
                .hasMessageContaining("sluice.yaml:7: models.gpt-4o.provider: provider 'opneai' is not defined")
                .hasMessageContaining("openai");
    }

    @Test
    @DisplayName("bad values are rejected with the expected form")
    void badValues() {
        assertThatThrownBy(() -> loader.parse("server:\n  port: eighty\n" + MINIMAL, "s.yaml"))
                .hasMessageContaining("s.yaml:2: server.port: 'eighty' is not a whole number");
        assertThatThrownBy(() -> loader.parse("server:\n  port: 70000\n" + MINIMAL, "s.yaml"))
                .hasMessageContaining("70000 is out of range");
        assertThatThrownBy(() -> loader.parse("server:\n  drain_timeout: soon\n" + MINIMAL, "s.yaml"))
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> loader.parse("server:\n  max_body_bytes: lots\n" + MINIMAL, "s.yaml"))
                .hasMessageContaining("'lots' is not a size");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("type: openai", "type: openia"), "s.yaml"))
                .hasMessageContaining("unknown provider type 'openia'");
        assertThatThrownBy(() -> loader.parse("auth:\n  admin_key: short\n" + MINIMAL, "s.yaml"))
                .hasMessageContaining("too short");
    }

    @Test
    @DisplayName("invalid YAML, an empty file and missing sections each get their own message")
    void structuralErrors() {
        assertThatThrownBy(() -> loader.parse("providers: [unclosed", "s.yaml"))
                .hasMessageContaining("s.yaml:").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> loader.parse("", "s.yaml")).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> loader.parse("server:\n  port: 1\n", "s.yaml"))
                .hasMessageContaining("no providers are configured");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "models:\n  x: {provider: openai}\n", "s.yaml"))
                .hasMessageContaining("s.yaml:8: the key 'models' appears twice");
        assertThatThrownBy(() -> loader.load(Path.of("does-not-exist.yaml")))
                .hasMessageContaining("does-not-exist.yaml: file not found");
    }

    @Test
    @DisplayName("durations and sizes accept human units")
    void units() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("later")).isNull();
        SluiceConfig c = loader.parse("server:\n  max_body_bytes: 512KB\n" + MINIMAL, "s.yaml");
        assertThat(c.server().maxBodyBytes()).isEqualTo(512 * 1024);
    }

    @Test
    @DisplayName("gemini and azure providers: Gemini's base URL is the default, Azure's api_version defaults, simulators speak both")
    void geminiAndAzure() {
        SluiceConfig c = loader.parse("""
                providers:
                  google:
                    type: gemini
                    api_key: AIza-x
                  azure:
                    type: azure
                    base_url: https://my-resource.openai.azure.com
                    api_key: k
                  azure-preview:
                    type: azure
                    base_url: https://other.openai.azure.com
                    api_version: 2025-01-01-preview
                  sim-gemini:
                    type: simulator
                    format: gemini
                  sim-azure:
                    type: simulator
                    format: azure
                    api_version: 2024-06-01
                models:
                  gemini-flash: {provider: google, model: gemini-2.5-flash}
                """, "s.yaml");

        assertThat(c.providers().get("google").baseUrl()).isEqualTo("https://generativelanguage.googleapis.com");
        assertThat(c.providers().get("google").options()).isEqualTo(NoOptions.INSTANCE);
        assertThat(c.providers().get("azure").options()).isEqualTo(new AzureOpenAi.Options("2024-10-21"));
        assertThat(c.providers().get("azure-preview").options()).isEqualTo(new AzureOpenAi.Options("2025-01-01-preview"));
        assertThat(((SimulatorType.Options) c.providers().get("sim-gemini").options()).format()).isEqualTo("gemini");
        SimulatorType.Options simAzure = (SimulatorType.Options) c.providers().get("sim-azure").options();
        assertThat(simAzure.format()).isEqualTo("azure");
        assertThat(simAzure.formatOptions()).isEqualTo(new AzureOpenAi.Options("2024-06-01"));
    }

    @Test
    @DisplayName("azure needs a base_url, api_version belongs to azure only, and a bad format lists the known ones")
    void geminiAndAzureErrors() {
        assertThatThrownBy(() -> loader.parse("providers:\n  az:\n    type: azure\nmodels:\n  m: {provider: az}\n", "s.yaml"))
                .hasMessageContaining("s.yaml:3: providers.az: a provider of type azure needs base_url")
                .hasMessageContaining("base_url: https://my-resource.openai.azure.com");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("type: openai", "type: openai\n    api_version: 2024-10-21"),
                "s.yaml"))
                .hasMessageContaining("providers.openai.api_version: api_version is only for type: azure");
        assertThatThrownBy(() -> loader.parse("providers:\n  az:\n    type: azure\n    base_url: https://x\n"
                + "    api_version: 2024-10-21&x=1\nmodels:\n  m: {provider: az}\n", "s.yaml"))
                .hasMessageContaining("is not an Azure OpenAI API version");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("type: openai", "type: simulator\n    format: vertex"),
                "s.yaml"))
                .hasMessageContaining("unknown format 'vertex'")
                .hasMessageContaining("anthropic, azure, gemini, openai");
    }

    private static String judged(String fallback) {
        return """
                providers:
                  openai: {type: openai, api_key: sk-x}
                models:
                  main:
                    provider: openai
                    fallbacks:
                %s
                  backup: {provider: openai}
                  judge: {provider: openai}
                """.formatted(fallback.indent(6).stripTrailing());
    }

    @Test
    @DisplayName("quality fallback: judge_below takes a threshold 0..1 and a judge_model that is a deployed model")
    void judgeBelow() {
        SluiceConfig ok = loader.parse(judged("- {model: backup, on: [guardrail_block, judge_below: 0.6], judge_model: judge}"), "s.yaml");
        ModelConfig.FallbackConfig f = ((ModelConfig.Deployed) ok.models().get("main")).fallbacks().getFirst();
        assertThat(f.on()).containsExactlyInAnyOrder("guardrail_block", "judge_below");
        assertThat(f.judgeBelow()).isEqualTo(0.6);
        assertThat(f.judgeModel()).isEqualTo("judge");

        assertThatThrownBy(() -> loader.parse(judged("- {model: backup, on: [judge_below: 0.6]}"), "s.yaml"))
                .hasMessageContaining("judge_below needs a judge").hasMessageContaining("judge_model");
        assertThatThrownBy(() -> loader.parse(judged("- {model: backup, on: [judge_below: 1.5], judge_model: judge}"), "s.yaml"))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> loader.parse(judged("- {model: backup, on: [judge_below: 0.5], judge_model: nope}"), "s.yaml"))
                .hasMessageContaining("model 'nope' is not defined");
        assertThatThrownBy(() -> loader.parse(judged("- {model: backup, on: [judge_above: 0.5], judge_model: judge}"), "s.yaml"))
                .hasMessageContaining("unknown key 'judge_above'");
        assertThatThrownBy(() -> loader.parse(judged("- {model: backup, on: [refusal], judge_model: judge}"), "s.yaml"))
                .hasMessageContaining("judge_model is only used by judge_below");
    }

    @Test
    @DisplayName("redis.lease_ttl: 20s unless set; under a second is refused with its line")
    void leaseTtl() {
        String redis = "redis:\n  url: redis://127.0.0.1:6379/0\n";
        assertThat(loader.parse(MINIMAL + redis, "s.yaml").redis().leaseTtl()).isEqualTo(Duration.ofSeconds(20));
        assertThat(loader.parse(MINIMAL + redis + "  lease_ttl: 6s\n", "s.yaml").redis().leaseTtl())
                .isEqualTo(Duration.ofSeconds(6));
        assertThatThrownBy(() -> loader.parse(MINIMAL + redis + "  lease_ttl: 200ms\n", "s.yaml"))
                .hasMessageContaining("s.yaml:10: redis.lease_ttl").hasMessageContaining("at least 1s");
    }

    @Test
    @DisplayName("the same config read twice is no change (a reload of an unchanged file reports nothing, evaluators included)")
    void sameConfigNoChange() {
        SluiceConfig first = loader.loadDemo();
        SluiceConfig again = loader.loadDemo();
        assertThat(first.quality().evaluators()).isNotEmpty();
        ConfigDiff diff = ConfigDiff.between(first, again);
        assertThat(diff.changed()).isEmpty();
        assertThat(diff.requiresRestart()).isEmpty();
    }
}
