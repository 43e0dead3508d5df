package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("require_eval: a rollout starts only after a stored eval run of the candidate passed; eval tables expire and are erased")
class RequireEvalTest {
    private static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
    private static final String CONFIG = """
            providers:
              sim: {type: simulator}
              sim-refusing: {type: simulator, options: {answer: refusal}}
            models:
              gpt-4o-mini: {provider: sim}
              refuser: {provider: sim-refusing, model: gpt-4o-mini}
            tracing:
              capture: full
            """;

    @TempDir
    Path dir;

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void push(String[] admin, String model, String system) throws Exception {
        Path src = Files.createDirectories(dir.resolve("prompts"));
        Files.writeString(src.resolve("faq.yaml"), """
                model: %s
                messages:
                  - role: system
                    content: "%s"
                  - role: user
                    content: "{{ question }}"
                """.formatted(model, system));
        CliTest.Run push = CliTest.run(concat(new String[] {"prompts", "push", src.toString()}, admin));
        assertThat(push.code()).as(push.out()).isZero();
    }

    private CliTest.Run eval(TestGateway gw, String key, String... providers) throws Exception {
        Path suite = dir.resolve("suite.yaml");
        Files.writeString(suite, """
                description: faq answers
                providers: [%s]
                defaultTest:
                  assert: [{type: not-icontains, value: "I'm sorry"}]
                tests:
                  - vars: {question: 'Where is my parcel?'}
                  - vars: {question: 'Can I pay by card?'}
                """.formatted(String.join(", ", providers)));
        return CliTest.run("eval", suite.toString(), "--url=" + gw.baseUrl(), "--key=" + key,
                "--admin-key=" + TestGateway.ADMIN_KEY, "--store", "--no-progress", "-o", dir.resolve("run.json").toString());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("no run of the candidate, or a failing newest run: 409 naming what to do; a passing run: the rollout starts")
    void gate(String store) throws Exception {
        String storeYaml = store.equals("postgresql") ? "store:\n  url: \"" + dev.sluice.testing.Services.postgres() + "\"\n" : "";
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), CONFIG + storeYaml, java.time.Clock.systemUTC())) {
            String key = gw.createKey("ci");
            String[] admin = {"--url", "http://127.0.0.1:" + gw.gateway().port(), "--admin-key", TestGateway.ADMIN_KEY};
            push(admin, "gpt-4o-mini", "Answer briefly.");
            assertThat(CliTest.run(concat(new String[] {"prompts", "label", "faq", "1", "production"}, admin)).code()).isZero();
            push(admin, "gpt-4o-mini", "Answer briefly and kindly.");       // v2: fine
            push(admin, "refuser", "Answer briefly, politely.");             // v3: its model refuses everything

            // nothing evaluated v2 yet
            CliTest.Run none = CliTest.run(concat(new String[] {"prompts", "rollout", "faq", "--to", "2", "--require-eval"}, admin));
            assertThat(none.code()).isEqualTo(1);
            assertThat(none.out()).contains("No stored evaluation run has evaluated faq@2", "sluice:prompt:faq@2");
            Http.Response http = gw.http().post("/admin/rollouts", Json.object().put("prompt", "faq").put("to", 2)
                    .put("require_eval", true), ADMIN);
            assertThat(http.status()).isEqualTo(409);
            assertThat(http.json().path("error").path("code").asText()).isEqualTo("eval_required");
            assertThat(http.json().path("error").path("param").asText()).isEqualTo("require_eval");
            assertThat(http.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(gw.http().post("/admin/rollouts", Json.object().put("prompt", "faq").put("to", 2)
                    .put("require_eval", "yes"), ADMIN).status()).isEqualTo(400);

            // one run evaluates v2 (passes) and v3 (refuses: fails); each case records the version served
            CliTest.Run run = eval(gw, key, "sluice:prompt:faq@2", "sluice:prompt:faq@3");
            assertThat(run.code()).as(run.out()).isEqualTo(100);
            JsonNode written = Json.MAPPER.readTree(dir.resolve("run.json").toFile());
            assertThat(written.path("results").findValuesAsText("served_prompt")).containsOnly("faq@2", "faq@3");
            assertThat(written.path("served_prompts").toString())
                    .contains("{\"prompt\":\"faq@2\",\"cases\":2,\"passed\":2}", "{\"prompt\":\"faq@3\",\"cases\":2,\"passed\":0}");
            String runId = written.path("id").asText();

            CliTest.Run failing = CliTest.run(concat(new String[] {"prompts", "rollout", "faq", "--to", "3", "--require-eval"}, admin));
            assertThat(failing.code()).isEqualTo(1);
            assertThat(failing.out()).contains("The newest stored evaluation run of faq@3, " + runId + ", failed 2 of its 2 cases");
            assertThat(gw.http().post("/admin/rollouts", Json.object().put("prompt", "faq").put("to", 3)
                    .put("require_eval", true), ADMIN).json().path("error").path("code").asText()).isEqualTo("eval_failed");

            CliTest.Run started = CliTest.run(concat(new String[] {"prompts", "rollout", "faq", "--to", "2", "--require-eval",
                    "--every", "1h"}, admin));
            assertThat(started.code()).as(started.out()).isZero();
            assertThat(started.out()).contains("Started rollout ro_", "1 -> 2", "(eval run " + runId + " passed 2/2)");
        }
    }

    @Test
    @DisplayName("a case from an end user's logged request is scrubbed when the user is erased; runs expire after retention.eval_runs")
    void erasureAndRetention() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T08:00:00Z"));
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), CONFIG + "retention: {eval_runs: 30d}\n", clock)) {
            String key = gw.createKey("app");
            for (String[] q : new String[][] {{"alice", "My account number is 4711, why was I charged twice?"},
                    {"bob", "What are your opening hours?"}}) {
                var body = Json.object().put("model", "gpt-4o-mini").put("user", q[0]);
                body.putArray("messages").addObject().put("role", "user").put("content", q[1]);
                assertThat(gw.http().post("/v1/chat/completions", body, Http.bearer(key)).status()).isEqualTo(200);
            }
            gw.flushLog();
            String url = "--url=http://127.0.0.1:" + gw.gateway().port();
            String admin = "--admin-key=" + TestGateway.ADMIN_KEY;
            assertThat(CliTest.run("datasets", "create", "support", url, admin).code()).isZero();
            CliTest.Run add = CliTest.run("datasets", "add", "support", "--from-logs", url, admin);
            assertThat(add.out()).contains("added 2");
            Path suite = dir.resolve("suite.yaml");
            Files.writeString(suite, """
                    prompts: ['{{ input }}']
                    providers: [openai:chat:gpt-4o-mini]
                    defaultTest:
                      assert: [{type: not-contains, value: ZZZ}]
                    tests: [sluice://datasets/support]
                    """);
            CliTest.Run run = CliTest.run("eval", suite.toString(), "--url=" + gw.baseUrl(), "--key=" + key, admin, "--store",
                    "--no-progress", "-o", dir.resolve("run.json").toString());
            assertThat(run.code()).as(run.out()).isZero();
            String runId = Json.MAPPER.readTree(dir.resolve("run.json").toFile()).path("id").asText();
            assertThat(gw.http().get("/admin/evals/" + runId, ADMIN).body()).contains("4711", "opening hours");

            Http.Response erased = gw.http().delete("/admin/users/alice", ADMIN);
            assertThat(erased.status()).as(erased.body()).isEqualTo(200);
            assertThat(erased.body()).contains("\"eval_run_cases\":1", "\"eval_dataset_items\":1");
            String stored = gw.http().get("/admin/evals/" + runId, ADMIN).body();
            assertThat(stored).doesNotContain("4711").contains("opening hours", "[erased]");
            JsonNode items = gw.http().get("/admin/datasets/support", ADMIN).json();
            assertThat(items.toString()).doesNotContain("4711").contains("opening hours");

            clock.advance(Duration.ofDays(31));
            Map<String, Integer> deleted = gw.gateway().runRetention();
            assertThat(deleted).containsEntry("eval_runs", 1).containsEntry("eval_run_users", 1);   // bob's link went with the run
            assertThat(gw.http().get("/admin/evals/" + runId, ADMIN).status()).isEqualTo(404);
        }
    }
}
