package dev.sluice.prompts.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.alert.Alert;
import dev.sluice.api.SluiceException;
import dev.sluice.prompts.Actor;
import dev.sluice.prompts.PromptFiles;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.prompts.PromptRepository;
import dev.sluice.prompts.Stores;
import dev.sluice.prompts.template.TemplateEngine;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.Database;
import dev.sluice.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Canary rollouts driven from the shared store (SQLite and PostgreSQL, time from a test clock)")
class RolloutDriverTest {
    private static final Duration EVERY = Duration.ofMinutes(10);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final String SUBJECT = "prompt:support";
    private static final Actor ADA = new Actor("ak_ada", "owner", null);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<Observation> served = new CopyOnWriteArrayList<>();
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();

    /** One gateway instance: its own connection to the shared store, its own driver. */
    private final class Instance implements AutoCloseable {
        final Database db;
        final PromptRegistry registry;
        final RolloutDriver driver;

        Instance(Stores.Shared store, String id) {
            db = store.open();
            registry = new PromptRegistry(new PromptRepository(db), new AuditRepository(db), TemplateEngine.strict(), clock);
            driver = new RolloutDriver(new ExperimentStore(db), RolloutDriverTest.this::window,
                    new PromptRolloutEffects(registry, new AuditRepository(db), alerts::add, clock), clock, id, LEASE);
        }

        @Override
        public void close() {
            driver.close();
            db.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("a healthy candidate is promoted step by step, and at 100% the label moves to it")
    void promotes(String kind) {
        try (Instance gw = new Instance(Stores.fresh(kind, dir), "gw-1")) {
            RolloutState s = startOn(gw);
            for (int percent : RolloutPlan.DEFAULT_STEPS) {
                assertThat(s.candidatePercent()).isEqualTo(percent);
                serve(gw.driver, 1_000, 0.0);
                clock.advance(EVERY);
                s = gw.driver.tick().getFirst();
            }
            assertThat(s.status()).isEqualTo(RolloutStatus.PROMOTED);
            assertThat(gw.registry.prompt("support").labels()).containsEntry("production", 2);
            assertThat(new AuditRepository(gw.db).recent(5, "prompt.label.move", "rollout:" + s.id(), null)).hasSize(1);
            assertThat(alerts).isEmpty();
            assertThat(gw.driver.tick()).as("a finished rollout is not evaluated again").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("a candidate past the error gate is rolled back within one interval, with an alert and an audit entry")
    void rollsBack(String kind) {
        try (Instance gw = new Instance(Stores.fresh(kind, dir), "gw-1")) {
            RolloutState s = startOn(gw);
            serve(gw.driver, 2_000, 0.3);
            clock.advance(Duration.ofMinutes(1));
            s = gw.driver.tick().getFirst();
            assertThat(s.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
            assertThat(s.candidatePercent()).isZero();
            assertThat(s.reason()).contains("max_error_rate");
            assertThat(gw.registry.prompt("support").labels()).containsEntry("production", 1);
            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.title()).isEqualTo("Rollout rolled back: support@2");
                assertThat(a.details()).containsEntry("gate", "max_error_rate").containsEntry("current_value", 0.0);
                assertThat((Double) a.details().get("candidate_value")).isGreaterThan(0.2);
            });
            List<AuditEntry> audit = new AuditRepository(gw.db).recent(5, "prompt.rollout.rollback", null, null);
            assertThat(audit).singleElement().satisfies(e -> assertThat(e.afterJson()).contains("max_error_rate"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("state survives a restart and is shared: one instance drives at a time (lease), any instance pauses")
    void sharedAndDurable(String kind) {
        Stores.Shared store = Stores.fresh(kind, dir);
        String id;
        try (Instance a = new Instance(store, "gw-a"); Instance b = new Instance(store, "gw-b")) {
            id = startOn(a).id();
            serve(a.driver, 1_000, 0.0);
            clock.advance(EVERY);
            assertThat(a.driver.tick()).singleElement().satisfies(s -> assertThat(s.candidatePercent()).isEqualTo(25));
            assertThat(b.driver.activeOn(SUBJECT).candidatePercent()).as("the other instance sees the step").isEqualTo(25);
            clock.advance(LEASE.minusSeconds(1));
            assertThat(b.driver.tick()).as("gw-a holds the lease").isEmpty();
            assertThat(b.driver.pause(id, "checking dashboards").status()).isEqualTo(RolloutStatus.PAUSED);
            assertThat(a.driver.tick()).as("paused: nothing to decide").isEmpty();
            assertThat(a.driver.get(id).candidatePercent()).isEqualTo(25);
            b.driver.resume(id);
            serve(b.driver, 1_000, 0.0);
            clock.advance(EVERY);
            // gw-a did not renew its lease for longer than it lasts (as if it had died): gw-b takes over
            assertThat(b.driver.tick()).singleElement().satisfies(s -> assertThat(s.candidatePercent()).isEqualTo(50));
            assertThat(a.driver.tick()).as("now gw-b holds it").isEmpty();

            ExperimentStore raw = new ExperimentStore(a.db);
            long revision = raw.find(id).orElseThrow().revision();
            assertThat(raw.update(id, "running", raw.find(id).orElseThrow().state(), revision - 1, clock.millis()))
                    .as("a write based on an old read is refused").isFalse();
        }
        try (Instance restarted = new Instance(store, "gw-c")) {
            RolloutState s = restarted.driver.get(id);
            assertThat(s.status()).isEqualTo(RolloutStatus.RUNNING);
            assertThat(s.candidatePercent()).isEqualTo(50);
            assertThat(s.lastChecks()).extracting(GateCheck::gate).containsExactly("max_error_rate");
            assertThat(s.plan().gates().minSamples()).isEqualTo(20);
            clock.advance(LEASE.plusSeconds(1));
            serve(restarted.driver, 1_000, 0.0);
            clock.advance(EVERY);
            assertThat(restarted.driver.tick()).singleElement().satisfies(r -> assertThat(r.candidatePercent()).isEqualTo(100));
            assertThatThrownBy(() -> restarted.driver.start(plan(), "ak_ada")).as("one split per subject")
                    .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.status()).isEqualTo(409));
            assertThat(restarted.driver.abort(id, "enough").status()).isEqualTo(RolloutStatus.ABORTED);
            assertThat(restarted.driver.activeOn(SUBJECT)).isNull();
        }
    }

    private RolloutState startOn(Instance gw) {
        gw.registry.push(PromptFiles.parse("support.yaml", "messages: [{role: user, content: 'v1 {{ q }}'}]"), "v1", ADA);
        gw.registry.push(PromptFiles.parse("support.yaml", "messages: [{role: user, content: 'v2 {{ q }}'}]"), "v2", ADA);
        gw.registry.label("support", "production", 1, ADA, null);
        return gw.driver.start(plan(), "ak_ada");
    }

    private static RolloutPlan plan() {
        return new RolloutPlan(SUBJECT, "production", "1", "2", RolloutPlan.DEFAULT_STEPS, EVERY.toMillis(),
                new Gates(0.05, null, null, null, 20));
    }

    /**
     * {@code users} requests, one per user, split as the gateway splits them (the rollout's bucket
     * test); the candidate fails {@code candidateErrorRate} of its requests.
     */
    private void serve(RolloutDriver driver, int users, double candidateErrorRate) {
        RolloutState s = driver.activeOn(SUBJECT);
        int candidates = 0;
        for (int u = 0; u < users; u++) {
            StickyKey key = new StickyKey(StickyKey.USER, "user-" + u + "-" + served.size());
            boolean candidate = Buckets.inCanary(Buckets.of(s.id(), key), s.candidatePercent());
            String target = candidate ? s.plan().candidate() : s.plan().baseline();
            // every n-th candidate request fails, whatever the buckets (which depend on the random rollout id)
            boolean failed = candidate && (candidates++ % 100) < candidateErrorRate * 100;
            served.add(new Observation(target, clock.millis(), failed ? "server_error" : null, 300, null, 10, 10,
                    0.0001, null, null));
        }
    }

    private List<Observation> window(RolloutState rollout, String target, long from, long to) {
        List<Observation> out = new ArrayList<>();
        for (Observation o : served) {
            if (o.variant().equals(target) && o.ts() >= from && o.ts() <= to) {
                out.add(o);
            }
        }
        return out;
    }
}
