package dev.sluice.config;

import dev.sluice.app.Registries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


@DisplayName("Config: the cache section")
class CacheConfigTest {
    private final ConfigLoader loader = Registries.configLoader(Map.of());
    private static final String MODELS = """
            providers:
              sim: {type: simulator}
            models:
              gpt-4o-mini: {provider: sim}
              gpt-4o: {provider: sim}
            """;

    @Test
    @DisplayName("without a cache section the cache is off; with an empty one it is on with defaults")
    void defaults() {
        assertThat(loader.parse(MODELS, "s.yaml").cache().enabled()).isFalse();
        CacheConfig c = loader.parse(MODELS + "cache: {}\n", "s.yaml").cache();
        assertThat(c.enabled()).isTrue();
        assertThat(c.scope()).isEqualTo(CacheConfig.Scope.TEAM);
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.onlyDeterministic()).isTrue();
        assertThat(c.semantic().enabled()).isTrue();
        assertThat(c.semantic().threshold()).isEqualTo(CacheConfig.DEFAULT_THRESHOLD);
    }

    @Test
    @DisplayName("every option is read, and per-model rules override the cache-wide ones")
    void everything() {
        CacheConfig c = loader.parse(MODELS + """
                cache:
                  enabled: true
                  scope: key
                  ttl: 10m
                  max_ttl: 2d
                  max_entries: 500
                  only_deterministic: false
                  redis: false
                  redis_prefix: "x:"
                  semantic: {enabled: true, threshold: 0.9, max_entries: 1000, max_question_chars: 300, path: /tmp/idx}
                  models:
                    gpt-4o: {enabled: true, ttl: 1d, semantic: false, threshold: 0.95}
                """, "s.yaml").cache();
        assertThat(c.scope()).isEqualTo(CacheConfig.Scope.KEY);
        assertThat(c.maxTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(c.semantic().path()).isEqualTo("/tmp/idx");
        assertThat(c.forModel("gpt-4o")).isEqualTo(new CacheConfig.Effective(true, Duration.ofDays(1), false, 0.95));
        assertThat(c.forModel("gpt-4o-mini")).isEqualTo(new CacheConfig.Effective(true, Duration.ofMinutes(10), true, 0.9));
    }

    @Test
    @DisplayName("mistakes name the line, the key and the fix")
    void errors() {
        assertThatThrownBy(() -> loader.parse(MODELS + "cache: {scope: tenant}\n", "s.yaml"))
                .hasMessageContaining("s.yaml:6: cache.scope: unknown cache scope 'tenant'");
        assertThatThrownBy(() -> loader.parse(MODELS + "cache: {tll: 1h}\n", "s.yaml"))
                .hasMessageContaining("did you mean 'ttl'?");
        assertThatThrownBy(() -> loader.parse(MODELS + "cache: {models: {gpt-5: {enabled: false}}}\n", "s.yaml"))
                .hasMessageContaining("model 'gpt-5' is not defined");
        assertThatThrownBy(() -> loader.parse(MODELS + "cache: {ttl: 8d}\n", "s.yaml"))
                .hasMessageContaining("longer than max_ttl");
        assertThatThrownBy(() -> loader.parse(MODELS + "cache: {semantic: {threshold: 1.5}}\n", "s.yaml"))
                .hasMessageContaining("out of range");
    }

    @Test
    @DisplayName("the example and the demo configs turn the cache on")
    void shippedConfigs() {
        assertThat(Registries.configLoader(Map.of()).load(Path.of("examples/sluice.yaml")).cache().enabled()).isTrue();
        assertThat(Registries.configLoader(Map.of()).loadDemo().cache().enabled()).isTrue();
    }
}
