package dev.sluice.prompts.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.api.SluiceException;
import dev.sluice.prompts.Actor;
import dev.sluice.prompts.PromptFiles;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.prompts.PromptRepository;
import dev.sluice.prompts.Stores;
import dev.sluice.prompts.template.TemplateEngine;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.Database;
import dev.sluice.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("A/B experiments and shadows in the store (SQLite and PostgreSQL)")
class ExperimentsTest {
    private static final Actor ADA = new Actor("ak_ada", "owner", null);
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("start, assign stickily, one split per subject, stop with a winner moves the label")
    void abLifecycle(String kind) {
        try (Database db = Stores.open(kind, dir)) {
            PromptRegistry registry = new PromptRegistry(new PromptRepository(db), new AuditRepository(db),
                    TemplateEngine.strict(), clock);
            for (String v : List.of("one", "two")) {
                registry.push(PromptFiles.parse("greet.yaml", "messages: [{role: user, content: '" + v + "'}]"), v, ADA);
            }
            registry.label("greet", "production", 1, ADA, null);
            Experiments experiments = new Experiments(new ExperimentStore(db), registry, clock);
            AbTest test = experiments.startAb("prompt:greet", "production",
                    List.of(new Variant("control", "1", 1), new Variant("terse", "2", 1)), "ak_ada");
            AbTest read = experiments.activeAb("prompt:greet");
            assertThat(read).isEqualTo(test);
            StickyKey ada = new StickyKey(StickyKey.USER, "ada");
            assertThat(read.assign(ada)).isEqualTo(test.assign(ada));

            assertThatThrownBy(() -> experiments.startAb("prompt:greet", "production",
                    List.of(new Variant("a", "1", 1), new Variant("b", "2", 1)), "ak_ada"))
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.status()).isEqualTo(409));
            assertThatThrownBy(() -> experiments.startAb("prompt:greet", "production",
                    List.of(new Variant("a", "1", 1), new Variant("a", "2", 1)), "ak_ada")).hasMessageContaining("repeated");
            assertThatThrownBy(() -> experiments.startAb("prompt:other", "production",
                    List.of(new Variant("a", "1", 1), new Variant("b", "latest", 1)), "ak_ada"))
                    .hasMessageContaining("version number");

            AbTest stopped = experiments.stop(test.id(), "terse", ADA);
            assertThat(stopped.status()).isEqualTo(AbTest.STOPPED);
            assertThat(stopped.winner()).isEqualTo("terse");
            assertThat(stopped.stoppedAt()).isEqualTo(clock.millis());
            assertThat(registry.prompt("greet").labels()).containsEntry("production", 2);
            assertThat(experiments.activeAb("prompt:greet")).isNull();
            assertThatThrownBy(() -> experiments.stop(test.id(), null, ADA)).hasMessageContaining("already stopped");
            assertThat(experiments.recentAb(10)).extracting(AbTest::id).containsExactly(test.id());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("shadows: stored config, results and their summary")
    void shadows(String kind) {
        try (Database db = Stores.open(kind, dir)) {
            Experiments experiments = new Experiments(new ExperimentStore(db), null, clock);
            ShadowConfig config = new ShadowConfig("model:gpt-4o-mini", "gpt-4o", 0.1, 5.0, 60);
            String id = experiments.startShadow(config, "ak_ada");
            assertThat(experiments.shadow(id)).isEqualTo(config);
            ShadowResults results = new ShadowResults(db);
            results.insert(new ShadowResults.Result(id, "r1", 1, "gpt-4o", 200, null, 100, 10L, 20L, 0.01, 0.9));
            results.insert(new ShadowResults.Result(id, "r2", 2, "gpt-4o", 503, "server_error", 300, null, null, null, null));
            ShadowResults.Summary s = results.summary(id);
            assertThat(s.calls()).isEqualTo(2);
            assertThat(s.failures()).isEqualTo(1);
            assertThat(s.meanLatencyMs()).isEqualTo(200.0);
            assertThat(s.meanSimilarity()).isEqualTo(0.9);
            assertThat(s.costUsd()).isCloseTo(0.01, within(1e-9));
            experiments.stopShadow(id);
            assertThat(new ExperimentStore(db).activeOn("model:gpt-4o-mini")).isEmpty();
        }
    }
}
