package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.app.Registries;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.provider.simulator.SimulatorType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Provider types: one registry entry each, their options read and checked when the config loads")
class ProviderTypesTest {
    private final ConfigLoader loader = Registries.configLoader(Map.of());

    private SluiceConfig parse(String provider) {
        return loader.parse("providers:\n  p:\n" + provider.indent(4) + "models:\n  m: {provider: p}\n", "s.yaml");
    }

    @Test
    @DisplayName("a misspelt type suggests the closest registered one")
    void misspeltType() {
        assertThatThrownBy(() -> parse("type: antropic"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("s.yaml:3: providers.p.type: unknown provider type 'antropic'")
                .hasMessageContaining("did you mean 'anthropic'?");
        assertThatThrownBy(() -> parse("type: bedrock"))
                .hasMessageContaining("Fix: use one of anthropic, azure, gemini, ");
    }

    @Test
    @DisplayName("the simulator's behaviour options are typed at load, with file:line and suggestions")
    void simulatorOptions() {
        SimulatorType.Options o = (SimulatorType.Options) parse("""
                type: simulator
                options: {ttft: 50ms, output_tokens: 7, error_rate: 0.25, error_status: 503, seed: 9000000000}
                """).providers().get("p").options();
        assertThat(o.format()).isEqualTo("openai");
        assertThat(o.behaviour().ttft()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.behaviour().outputTokens()).isEqualTo(7);
        assertThat(o.behaviour().errorRate()).isEqualTo(0.25);
        assertThat(o.behaviour().errorStatus()).isEqualTo(503);
        assertThat(o.behaviour().seed()).isEqualTo(9_000_000_000L);

        assertThatThrownBy(() -> parse("type: simulator\noptions:\n  error_rate: 2\n"))
                .hasMessageContaining("s.yaml:5: providers.p.options.error_rate: 2.0 is out of range");
        assertThatThrownBy(() -> parse("type: simulator\noptions:\n  ttfb: 50ms\n"))
                .hasMessageContaining("unknown key 'ttfb'").hasMessageContaining("did you mean 'ttft'?");
        assertThatThrownBy(() -> parse("type: simulator\noptions:\n  error_status: 200\n"))
                .hasMessageContaining("providers.p.options.error_status: 200 is out of range");
    }

    @Test
    @DisplayName("a key that belongs to another type or format says whose it is")
    void keysOfOtherTypes() {
        assertThatThrownBy(() -> parse("type: openai\noptions: {ttft: 1s}\n"))
                .hasMessageContaining("s.yaml:4: providers.p.options: options is only for type: simulator");
        assertThatThrownBy(() -> parse("type: simulator\napi_version: 2024-10-21\n"))
                .hasMessageContaining("providers.p.api_version: api_version is only for format: azure");
        assertThatThrownBy(() -> parse("type: gemini\nformat: openai\n"))
                .hasMessageContaining("providers.p.format: format is only for type: simulator");
    }
}
