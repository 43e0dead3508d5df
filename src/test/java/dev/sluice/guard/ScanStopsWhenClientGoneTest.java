package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 #1: a 200 KB message burned ~100 s of a core after its client had gone. Scanning stops
 * before the next scanner once the client has left (the transport's clientGone, wired in
 * InputGuardStage); the request then ends as 499 client_disconnected. Counted, not timed.
 */
@DisplayName("Guardrail scanning stops before the next scanner once the client has gone")
class ScanStopsWhenClientGoneTest {
    /** A scanner that counts its runs and, on its first, makes the client leave. */
    static Scanner counting(String name, AtomicInteger runs, AtomicBoolean gone) {
        return new Scanner() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Finding> scan(String text, ScanContext context) {
                runs.incrementAndGet();
                gone.set(true);
                return List.of();
            }
        };
    }

    @Test
    @DisplayName("three scanners, the client leaves during the first: the other two never run")
    void stopsOnceGone() {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean gone = new AtomicBoolean();
        List<Rule> rules = List.of("a", "b", "c").stream()
                .map(n -> new Rule(counting(n, runs, gone), Action.FLAG, 0.0, r -> r)).toList();
        ScanBudget.Deadline deadline = new ScanBudget(Duration.ofMinutes(10), true).start(gone::get);
        assertThatThrownBy(() -> Inspection.run(rules, "text", ScanContext.of(Direction.INPUT, "user"), true, deadline))
                .isInstanceOf(ScanBudget.ClientGone.class);
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("while the client stays, every scanner runs")
    void runsWhileThere() {
        AtomicInteger runs = new AtomicInteger();
        List<Rule> rules = List.of("a", "b", "c").stream()
                .map(n -> new Rule(counting(n, runs, new AtomicBoolean()), Action.FLAG, 0.0, r -> r)).toList();
        ScanBudget.Deadline deadline = new ScanBudget(Duration.ofMinutes(10), true).start(() -> false);
        assertThat(Inspection.run(rules, "text", ScanContext.of(Direction.INPUT, "user"), true, deadline)).isEmpty();
        assertThat(runs.get()).isEqualTo(3);
    }
}
