package dev.sluice.prompts.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.prompts.Stores;
import dev.sluice.store.Database;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("An experiment arm's figures from the request log: people's feedback and the online evaluators' scores apart")
class RequestFiguresTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("errors, the caller's own refusals left out, feedback verdicts and online scores per request, one step window")
    void observations() {
        try (Database db = Stores.open("sqlite", dir)) {
            db.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    String cols = "INSERT INTO request_log (ts, request_id, operation, status, error_type, latency_ms, attempts,"
                            + " tokens_in, tokens_out, cost_usd, stream, prompt, prompt_version, experiment, variant, experiment_window)";
                    s.execute(cols + " VALUES (1, 'a', 'chat', 200, NULL, 100, 1, 5, 5, 0.001, 0, 'p', 2, 'ro_1', 'candidate', 10)");
                    s.execute(cols + " VALUES (2, 'b', 'chat', 500, 'server_error', 50, 1, 5, 0, 0, 0, 'p', 2, 'ro_1', 'candidate', 10)");
                    s.execute(cols + " VALUES (3, 'c', 'chat', 429, 'rate_limit_exceeded', 1, 0, 0, 0, 0, 0, 'p', 2, 'ro_1', 'candidate', 10)");
                    s.execute(cols + " VALUES (4, 'd', 'chat', 200, NULL, 100, 1, 5, 5, 0.001, 0, 'p', 2, 'ro_1', 'candidate', 9)");
                    String fb = "INSERT INTO feedback (id, ts, request_id, name, kind, value_num, sentiment, rated_by)";
                    s.execute(fb + " VALUES ('f1', 5, 'a', 'thumbs', 'thumbs', 1, 'positive', 'key_1')");
                    s.execute(fb + " VALUES ('f2', 5, 'a', 'relevance', 'number', 0.25, 'negative', 'evaluator:relevance@v1')");
                    s.execute(fb + " VALUES ('f3', 5, 'a', 'format', 'number', 0.75, 'positive', 'evaluator:format@v1')");
                }
                return null;
            });
            RolloutPlan plan = new RolloutPlan("prompt:p", "production", "1", "2", List.of(50, 100), 60_000, Gates.DEFAULT);
            RolloutState s = new RolloutState("ro_1", plan, RolloutStatus.RUNNING, 0, 10, 10, 10, null, List.of(), 1);
            List<Observation> obs = new RequestFigures(db).observations(s, "2", 0, 0);
            assertThat(obs).hasSize(2);
            Observation a = obs.stream().filter(o -> o.ts() == 1).findFirst().orElseThrow();
            assertThat(a.feedbackPositive()).as("people's thumbs-up, not the evaluators' verdicts").isTrue();
            assertThat(a.score()).isEqualTo(0.5);
            Observation b = obs.stream().filter(o -> o.ts() == 2).findFirst().orElseThrow();
            assertThat(b.errorType()).isEqualTo("server_error");
            assertThat(b.feedbackPositive()).isNull();
            assertThat(b.score()).isNull();
            VariantFigures f = VariantFigures.of("candidate", obs);
            assertThat(f.errorRate()).isEqualTo(0.5);
            assertThat(f.meanScore()).isEqualTo(0.5);
            assertThat(f.positiveRate()).isEqualTo(1.0);
        }
    }

    @Test
    @DisplayName("another team's feedback on its own request with the same x-request-id does not count for this arm")
    void feedbackOfTheSameTeamOnly() {
        try (Database db = Stores.open("sqlite", dir)) {
            db.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    String cols = "INSERT INTO request_log (ts, request_id, team, operation, status, latency_ms, attempts,"
                            + " stream, prompt, prompt_version, experiment, variant, experiment_window)";
                    s.execute(cols + " VALUES (1, 'shared', 'beta', 'chat', 200, 100, 1, 0, 'p', 2, 'ro_1', 'candidate', 10)");
                    s.execute(cols + " VALUES (2, 'shared', 'alpha', 'chat', 200, 100, 1, 0, NULL, NULL, NULL, NULL, NULL)");
                    String fb = "INSERT INTO feedback (id, ts, request_id, team, name, kind, value_num, sentiment, rated_by)";
                    s.execute(fb + " VALUES ('f1', 5, 'shared', 'alpha', 'thumbs', 'thumbs', 0, 'negative', 'key_a')");
                    s.execute(fb + " VALUES ('f2', 5, 'shared', 'alpha', 'relevance', 'number', 0.0, 'negative', 'evaluator:relevance@v1')");
                }
                return null;
            });
            RolloutPlan plan = new RolloutPlan("prompt:p", "production", "1", "2", List.of(50, 100), 60_000, Gates.DEFAULT);
            RolloutState s = new RolloutState("ro_1", plan, RolloutStatus.RUNNING, 0, 10, 10, 10, null, List.of(), 1);
            List<Observation> obs = new RequestFigures(db).observations(s, "2", 0, 0);
            assertThat(obs).hasSize(1);
            assertThat(obs.getFirst().feedbackPositive()).as("alpha's thumbs-down on its own 'shared'").isNull();
            assertThat(obs.getFirst().score()).isNull();
        }
    }
}
