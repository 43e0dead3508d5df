package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Datasets: grown from the request log, imported and exported, used as tests: sluice://datasets/NAME")
class DatasetsCliTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("add --from-logs --feedback negative takes only the badly rated requests, once each; the suite runs them")
    void fromLogsToSuite() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), EvalCliTest.PATIENT_PROVIDERS + """
                models:
                  gpt-4o-mini:
                    provider: sim
                tracing:
                  capture: full
                """, Clock.systemUTC())) {
            String key = gw.createKey("app");
            Map<String, String> auth = Map.of("authorization", "Bearer " + key);
            String[] questions = {"Where is my parcel?", "where is   my parcel?", "Can I pay by card?", "Do you ship to Oslo?"};
            String[] ids = new String[questions.length];
            for (int i = 0; i < questions.length; i++) {
                var body = Json.object().put("model", "gpt-4o-mini");
                body.putArray("messages").addObject().put("role", "user").put("content", questions[i]);
                Http.Response r = gw.http().post("/v1/chat/completions", body, auth);
                assertThat(r.status()).isEqualTo(200);
                ids[i] = r.header("x-request-id");
            }
            // thumbs down on the first two (the same question twice) and the last; thumbs up on the third
            for (int i : new int[] {0, 1, 3}) {
                assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + ids[i] + "\",\"value\":\"down\"}", auth).status())
                        .isEqualTo(201);
            }
            gw.http().post("/v1/feedback", "{\"request_id\":\"" + ids[2] + "\",\"value\":\"up\"}", auth);
            gw.flushLog();

            String url = "--url=http://127.0.0.1:" + gw.gateway().port();
            String admin = "--admin-key=" + TestGateway.ADMIN_KEY;
            assertThat(CliTest.run("datasets", "create", "complaints", "--description", "badly rated", url, admin).code()).isZero();
            CliTest.Run add = CliTest.run("datasets", "add", "complaints", "--from-logs", "--feedback", "negative", url, admin);
            assertThat(add.code()).as(add.out()).isZero();
            assertThat(add.out()).contains("Matched 3 requests: added 2, 1 duplicates");
            CliTest.Run list = CliTest.run("datasets", "list", url, admin);
            assertThat(list.out()).contains("complaints", "2 items");

            Path exported = dir.resolve("complaints.jsonl");
            assertThat(CliTest.run("datasets", "export", "complaints", "-o", exported.toString(), url, admin).code()).isZero();
            assertThat(Files.readAllLines(exported)).hasSize(2).allSatisfy(l -> assertThat(l).contains("source_request_id"));
            Path csv = dir.resolve("golden.csv");
            Files.writeString(csv, "input,expected\nWhat is your returns policy?,30 days\n");
            assertThat(CliTest.run("datasets", "create", "golden", url, admin).code()).isZero();
            assertThat(CliTest.run("datasets", "import", "golden", csv.toString(), url, admin).out()).contains("Added 1 items");

            Path suite = dir.resolve("suite.yaml");
            Files.writeString(suite, """
                    prompts: ['{{ input }}']
                    providers: [openai:chat:gpt-4o-mini]
                    defaultTest:
                      assert: [{type: not-contains, value: ZZZ}]
                    tests:
                      - sluice://datasets/complaints
                      - sluice://datasets/golden
                      - file://complaints.jsonl
                    """);
            Path out = dir.resolve("run.json");
            CliTest.Run run = CliTest.run("eval", suite.toString(), "--url=" + gw.baseUrl(), "--key=" + key, admin,
                    "-o", out.toString(), "--no-progress");
            assertThat(run.code()).as(run.out()).isZero();
            JsonNode results = Json.MAPPER.readTree(out.toFile()).path("results");
            assertThat(results).hasSize(5);
            assertThat(results.get(2).path("vars").path("expected").asText()).isEqualTo("30 days");
            // newest first; of the two copies of one question (case and spaces aside) only one is kept
            assertThat(results.get(0).path("vars").path("input").asText()).isEqualTo("Do you ship to Oslo?");
            assertThat(results.get(1).path("vars").path("input").asText()).containsIgnoringCase("parcel");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "on {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("add --from-logs --guardrail takes the requests a guardrail acted on: by scanner, stage, action or whole trigger")
    void fromLogsByGuardrail(String store) throws Exception {
        String storeYaml = store.equals("postgresql") ? "store:\n  url: \"" + dev.sluice.testing.Services.postgres() + "\"\n" : "";
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), storeYaml + EvalCliTest.PATIENT_PROVIDERS + """
                models:
                  gpt-4o-mini:
                    provider: sim
                tracing:
                  capture: full
                guardrails:
                  policies:
                    default:
                      input:
                        pii: redact
                """, Clock.systemUTC())) {
            String key = gw.createKey("app");
            Map<String, String> auth = Map.of("authorization", "Bearer " + key);
            for (String q : new String[] {"Mail me at jane.doe@example.com", "Is 100% of it _free_?", "Plain question"}) {
                var body = Json.object().put("model", "gpt-4o-mini");
                body.putArray("messages").addObject().put("role", "user").put("content", q);
                assertThat(gw.http().post("/v1/chat/completions", body, auth).status()).isEqualTo(200);
            }
            gw.flushLog();
            Map<String, String> adminAuth = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
            JsonNode rows = gw.http().get("/admin/analytics/requests?guardrail=pii", adminAuth).json().path("data");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).path("guardrails").asText()).isEqualTo("input:pii:redact(email)");
            assertThat(gw.http().get("/admin/analytics/requests?guardrail=%25", adminAuth).json().path("data")).isEmpty();
            assertThat(gw.http().get("/admin/analytics/requests?guardrail=a%3Bb", adminAuth).status()).isEqualTo(400);

            String url = "--url=http://127.0.0.1:" + gw.gateway().port();
            String admin = "--admin-key=" + TestGateway.ADMIN_KEY;
            assertThat(CliTest.run("datasets", "create", "leaks", url, admin).code()).isZero();
            String[][] cases = {{"pii", "1"}, {"input:pii", "1"}, {"pii:redact", "1"}, {"input:pii:redact(email)", "1"},
                    {"output:pii", "0"}, {"pii:block", "0"}, {"pi", "0"}, {"%", "0"}, {"_", "0"}, {"input:pii:redact(phone)", "0"}};
            for (String[] c : cases) {
                CliTest.Run add = CliTest.run("datasets", "add", "leaks", "--from-logs", "--guardrail", c[0], url, admin);
                assertThat(add.code()).as(c[0] + ": " + add.out()).isZero();
                assertThat(add.out()).as(c[0]).contains("Matched " + c[1] + " request");
            }
            CliTest.Run bad = CliTest.run("datasets", "add", "leaks", "--from-logs", "--guardrail", "pii;x", url, admin);
            assertThat(bad.code()).isNotZero();
            assertThat(bad.out()).contains("guardrail");
            JsonNode items = gw.http().get("/admin/datasets/leaks", adminAuth).json();
            assertThat(items.path("data")).hasSize(1);
        }
    }
}
