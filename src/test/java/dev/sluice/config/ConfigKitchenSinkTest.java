package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.Registries;
import dev.sluice.config.GuardrailsConfig.RuleConfig;
import dev.sluice.config.ModelConfig.Deployed;
import dev.sluice.config.ModelConfig.DeploymentConfig;
import dev.sluice.config.ModelConfig.FallbackConfig;
import dev.sluice.guard.answer.AnswerScannerTypes;
import dev.sluice.guard.content.ContentScannerTypes;
import dev.sluice.guard.injection.InjectionScannerType;
import dev.sluice.guard.judge.JudgeScannerType;
import dev.sluice.guard.pii.PiiScannerType;
import dev.sluice.guard.secrets.SecretsScannerType;
import dev.sluice.guard.toxicity.ToxicityScannerType;
import dev.sluice.provider.azure.AzureOpenAi;
import dev.sluice.provider.simulator.SimulatorType;
import dev.sluice.sim.SimOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kitchen-sink fixture sets every key of every section to something other than its default;
 * each section's record is compared whole, so a section parser that drops or misreads a key fails.
 */
@DisplayName("Config: the kitchen-sink fixture (every key, none at its default) parses into exactly what it says")
class ConfigKitchenSinkTest {
    private static final Path FIXTURE = Path.of("src/test/resources/dev/sluice/config/kitchen-sink.yaml");

    private final SluiceConfig c = Registries.configLoader(Map.of("KS_WEBHOOK", "https://hooks.example.com/ks"))
            .load(FIXTURE);

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    @DisplayName("server, auth (its admin key read with ${file:}), store, redis, routing")
    void infrastructure() {
        assertThat(c.server()).isEqualTo(new ServerConfig("127.0.0.1", 9090, 512 * 1024, Duration.ofSeconds(5),
                Duration.ofSeconds(4), Duration.ofSeconds(40), 77));
        assertThat(c.auth()).isEqualTo(new AuthConfig(false, "admin-key-from-a-file-0123"));
        assertThat(c.store()).isEqualTo(new StoreConfig("ks.db", null, 500, "ks-spill"));
        assertThat(c.redis()).isEqualTo(new RedisConfig("redis://127.0.0.1:6379/3", ms(100), false, Duration.ofSeconds(12)));
        assertThat(c.routing()).isEqualTo(new RoutingConfig("priority", 4, ms(50), Duration.ofSeconds(2),
                Duration.ofSeconds(3), new TimeoutsConfig(Duration.ofSeconds(7), Duration.ofSeconds(8), Duration.ofSeconds(9)),
                new RoutingConfig.BreakerConfig(true, 60f, 30, 5, Duration.ofSeconds(10), 3)));
    }

    @Test
    @DisplayName("limits, alerts, metrics, prices, cache, tracing, retention")
    void features() {
        assertThat(c.limits()).isEqualTo(new LimitsConfig(new Quota(1, 2, 3, 4.5, 6.0),
                new Quota(7, null, null, null, null), new Quota(null, null, null, 0.5, null),
                Map.of("fast", new Quota(8, 9, 10, null, null)), 99));
        assertThat(c.alerts()).isEqualTo(new AlertsConfig("https://hooks.example.com/ks", List.of(25, 90),
                List.of(new AlertRule("slow", "latency_p99", "fast", "t1", Duration.ofMinutes(2), 1.5, 3, "P1", "Slow.",
                        Duration.ofMinutes(1))), Duration.ofSeconds(5)));
        assertThat(c.metrics()).isEqualTo(new MetricsConfig("scrape-me", "http://127.0.0.1:4318/v1/metrics",
                Duration.ofSeconds(7), false));
        assertThat(c.dashboard()).isEqualTo(new DashboardConfig(true, Duration.ofHours(2), Duration.ofMinutes(5), true));
        assertThat(c.prices()).isEqualTo(Map.of("my-model", new ModelPrice(1.5, 2.5, 1.5),
                "other-model", new ModelPrice(1, 2, 0.25)));
        assertThat(c.cache()).isEqualTo(new CacheConfig(false, CacheConfig.Scope.GLOBAL, Duration.ofHours(2),
                Duration.ofDays(3), 77, false, false, "ks:", new CacheConfig.Semantic(false, 0.9, 88, 99, "ks-index"),
                Map.of("fast", new CacheConfig.ModelRule(false, Duration.ofMinutes(30), true, 0.95))));
        assertThat(c.tracing()).isEqualTo(new TracingConfig(false, "http://127.0.0.1:4318/v1/traces", "full", 0.5, false,
                "ks"));
        assertThat(c.retention()).isEqualTo(new RetentionConfig(Duration.ofDays(1), Duration.ofDays(2),
                Duration.ofHours(3), Duration.ofDays(4), Duration.ofDays(5), Duration.ofMinutes(6), Duration.ofDays(7)));
    }

    @Test
    @DisplayName("every provider type, with its own options as a typed record")
    void providers() {
        assertThat(c.providers().get("oai")).isEqualTo(new ProviderConfig("oai", "openai", "http://127.0.0.1:1/v1", "sk-ks",
                Duration.ofSeconds(11), Duration.ofSeconds(2), List.of("x-team", "x-trace-*"), NoOptions.INSTANCE));
        assertThat(c.providers().get("ant").baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(c.providers().get("gem").baseUrl()).isEqualTo("https://generativelanguage.googleapis.com");
        assertThat(c.providers().get("az").options()).isEqualTo(new AzureOpenAi.Options("2025-01-01-preview"));
        assertThat(c.providers().get("oll").baseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(c.providers().get("vl").baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThat(c.providers().get("gq").apiKey()).isEqualTo("gsk-ks");
        assertThat(c.providers().get("sim").options()).isEqualTo(new SimulatorType.Options("azure",
                new AzureOpenAi.Options("2024-06-01"), SimOptions.defaults().withTtft(ms(1)).withInterTokenDelay(ms(2))
                        .withOutputTokens(3).withErrorRate(0.5).withErrorStatus(429).withRetryAfterSeconds(4)
                        .withContextWindow(5000).withSeed(6).withEmbeddingDimensions(7)));
    }

    @Test
    @DisplayName("models: the short and long forms, fallbacks, per-model overrides (unset timeouts inherit routing's), a complexity route")
    void models() {
        assertThat(c.models().get("fast")).isEqualTo(new Deployed("fast", "priority",
                List.of(new DeploymentConfig("oai", "upstream-fast", 1, 0)), 4, List.of(), c.routing().timeouts()));
        assertThat(c.models().get("long")).isEqualTo(new Deployed("long", "lowest_cost",
                List.of(new DeploymentConfig("ant", "claude", 2, 5), new DeploymentConfig("gem", "gemini", 0, 0)), 0,
                List.of(new FallbackConfig("fast", Set.of("context_length_exceeded")), new FallbackConfig("judge",
                        Set.of("rate_limited", "server_error", "timeout", "connection_error", "malformed_response",
                                "no_deployment"))),
                new TimeoutsConfig(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(9))));
        assertThat(c.models().get("auto")).isEqualTo(new ModelConfig.Complexity("auto", "fast", "long", 0.3, "ks.jsonl"));
    }

    @Test
    @DisplayName("guardrails: bindings, and every scanner with its typed options")
    void guardrails() {
        GuardrailsConfig g = c.guardrails();
        assertThat(List.of(g.enabled(), g.redaction(), g.streamHoldback(), g.defaultPolicy()))
                .containsExactly(true, "mask", 128, "all");
        assertThat(List.of(g.keys(), g.teams(), g.models()))
                .containsExactly(Map.of("key_1", "none"), Map.of("t1", "all"), Map.of("fast", "all"));
        assertThat(g.policies().get("all").input()).containsExactly(
                new RuleConfig("prompt_injection", "flag", 0.9, new InjectionScannerType.Options(false, true, false, false, true, false, false,
                        dev.sluice.guard.injection.TunedInjectionEncoder.Precision.INT8)),
                new RuleConfig("pii", "redact", null, new PiiScannerType.Options(List.of("email"), List.of("GB"),
                        List.of(new NamedPattern("emp", "E-\\d+")))),
                new RuleConfig("secrets", "block", null, new SecretsScannerType.Options(List.of("jwt"),
                        List.of(new NamedPattern("tok", "T-\\d+")))),
                new RuleConfig("invisible_text", "redact", null, NoOptions.INSTANCE),
                new RuleConfig("limits", "block", null, new ContentScannerTypes.LimitsOptions(10, List.of("LATIN"))),
                new RuleConfig("banned", "redact", null, new ContentScannerTypes.BannedOptions(List.of("p"),
                        List.of("b\\w+"), List.of("t"), 0.7)),
                new RuleConfig("urls", "flag", null, new ContentScannerTypes.UrlOptions(List.of("example.com"))),
                new RuleConfig("toxicity", "flag", null, new ToxicityScannerType.Options(null, null, List.of("insult"),
                        List.of("frobnicate"), true)),
                new RuleConfig("judge", "flag", null, new JudgeScannerType.Options("judge", "Be kind.", true)));
        assertThat(g.policies().get("all").output()).containsExactly(
                new RuleConfig("system_prompt_leak", "block", null, new AnswerScannerTypes.LeakOptions(false, 5)),
                new RuleConfig("json_schema", "block", null, new AnswerScannerTypes.SchemaOptions(true)),
                new RuleConfig("groundedness", "flag", null, new AnswerScannerTypes.GroundednessOptions(6)));
    }
}
