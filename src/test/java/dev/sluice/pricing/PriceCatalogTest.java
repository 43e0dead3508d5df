package dev.sluice.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.api.Usage;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The price catalog: shipped prices, config overrides, dated names, unknown models")
class PriceCatalogTest {
    private final PriceCatalog shipped = PriceCatalog.withOverrides(Map.of());

    @Test
    @DisplayName("the shipped catalog prices the usual models; cached input defaults to the input price")
    void shippedCatalog() {
        assertThat(shipped.find("gpt-4o")).isEqualTo(new Price(2.50, 10.00, 1.25));
        assertThat(shipped.find("text-embedding-3-small")).isEqualTo(new Price(0.02, 0, 0.02));
        assertThat(PriceCatalog.shipped()).allSatisfy((model, p) -> {
            assertThat(p.input()).as(model).isNotNegative();
            assertThat(p.output()).as(model).isNotNegative();
            assertThat(p.cachedInput()).as(model).isLessThanOrEqualTo(p.input());
        });
    }

    @Test
    @DisplayName("a dated or suffixed name takes its longest catalog prefix, not a shorter one")
    void longestPrefix() {
        assertThat(shipped.find("gpt-4o-2024-08-06")).isEqualTo(shipped.find("gpt-4o"));
        assertThat(shipped.find("gpt-4o-mini-2024-07-18")).isEqualTo(shipped.find("gpt-4o-mini"))
                .isNotEqualTo(shipped.find("gpt-4o"));
    }

    @Test
    @DisplayName("config overrides replace a shipped price and add self-hosted models")
    void overrides() {
        PriceCatalog c = PriceCatalog.withOverrides(Map.of("gpt-4o", new Price(1, 2, 0.5),
                "meta-llama/Llama-3.1-8B-Instruct", new Price(0.05, 0.08, 0.05)));

        assertThat(c.find("gpt-4o")).isEqualTo(new Price(1, 2, 0.5));
        assertThat(c.find("gpt-4o-2024-08-06")).isEqualTo(new Price(1, 2, 0.5));
        assertThat(c.find("meta-llama/Llama-3.1-8B-Instruct")).isEqualTo(new Price(0.05, 0.08, 0.05));
        assertThat(c.find("gpt-4o-mini")).isEqualTo(shipped.find("gpt-4o-mini"));
    }

    @Test
    @DisplayName("cost: uncached input, cached input and output at their own prices, per million tokens")
    void cost() {
        PriceCatalog c = new PriceCatalog(Map.of("m", new Price(2, 8, 0.5)));

        // 1000 prompt tokens of which 400 cached, 500 completion tokens
        assertThat(c.cost("m", new Usage(1000, 500, 1500, 400, 0)))
                .isCloseTo((600 * 2 + 400 * 0.5 + 500 * 8) / 1e6, within(1e-12));
        assertThat(c.cost("m", null)).isZero();
        assertThat(new Price(2, 8, 0.5).estimate(1000, 500)).isCloseTo((1000 * 2 + 500 * 8) / 1e6, within(1e-12));
    }

    @Test
    @DisplayName("an unknown model has no price and costs nothing, asked once or many times")
    void unknown() {
        PriceCatalog c = new PriceCatalog(Map.of("gpt-4o", new Price(2.5, 10, 1.25)));

        assertThat(c.find("my-finetune")).isNull();
        assertThat(c.find("my-finetune")).isNull();
        assertThat(c.find(null)).isNull();
        assertThat(c.cost("my-finetune", Usage.of(1_000_000, 1_000_000))).isZero();
        assertThat(c.find("gpt-4")).as("a prefix of a catalog name is not a match").isNull();
    }

    @Test
    @DisplayName("unknown model names from requests do not accumulate: the resolution cache is bounded")
    void resolutionCacheIsBounded() {
        PriceCatalog c = PriceCatalog.withOverrides(java.util.Map.of());
        for (int i = 0; i < 20_000; i++) {
            assertThat(c.find("unknown-model-" + i)).isNull();
        }
        assertThat(c.find("gpt-4o-mini-2024-07-18")).isNotNull();
        assertThat(c.cachedNames()).isLessThanOrEqualTo(PriceCatalog.MAX_RESOLVED);
    }
}
