package dev.sluice.eval.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.store.Database;
import dev.sluice.testing.Services;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Evaluation runs are stored in SQLite and PostgreSQL alike (migration V30)")
class EvalRunsTest {
    @TempDir
    Path dir;

    private static ObjectNode run(String id, int passed) {
        ObjectNode run = Json.object().put("id", id).put("started_at", "2026-12-06T01:00:00Z").put("suite", "s.yaml");
        run.putArray("prompts").add("p");
        run.putArray("targets").add("m");
        run.putObject("stats").put("cases", 2).put("passed", passed).put("failed", 2 - passed)
                .put("pass_rate", passed / 2.0).put("cost_usd", 0.001);
        run.putArray("results").addObject().put("key", "t | p | m").put("pass", passed > 0);
        return run;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void storesListsAndFinds(String dialect) {
        Supplier<Database> open = dialect.equals("sqlite") ? () -> Database.openSqlite(dir.resolve("s.db"))
                : () -> Database.openPostgres(Services.postgres());
        try (Database db = open.get()) {
            EvalRuns runs = new EvalRuns(db);
            assertThat(runs.insert(run("r1", 1), null, "owner", 1000)).isTrue();
            assertThat(runs.insert(run("r1", 1), null, "owner", 1000)).as("ids are unique").isFalse();
            assertThat(runs.insert(run("r2", 2), "alpha", "k2", 2000)).isTrue();
            assertThat(runs.list(null, null, 10)).extracting(o -> o.path("id").asText()).containsExactly("r2", "r1");
            assertThat(runs.list("alpha", null, 10)).extracting(o -> o.path("id").asText()).containsExactly("r2");
            assertThat(runs.list(null, "other.yaml", 10)).isEmpty();
            ObjectNode found = runs.find("r2").orElseThrow();
            assertThat(found.path("pass_rate").asDouble()).isEqualTo(1.0);
            assertThat(found.path("run").path("results").get(0).path("key").asText()).isEqualTo("t | p | m");
            assertThat(runs.find("nope")).isEmpty();
        }
    }
}
