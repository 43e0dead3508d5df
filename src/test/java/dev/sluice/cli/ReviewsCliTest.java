package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.eval.Assertion;
import dev.sluice.eval.Suite;
import dev.sluice.eval.SuiteLoader;
import dev.sluice.eval.TestCase;
import dev.sluice.eval.score.Scorers;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("sluice reviews: list, show and label the review queue; a labelled item becomes one eval test")
class ReviewsCliTest {
    @TempDir
    Path dir;

    static String reviewOf(TestGateway gw, String key, String question) {
        Http.Response chat = gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":"
                + "\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"" + question + "\"}]}",
                Http.bearer(key));
        assertThat(chat.status()).isEqualTo(200);
        String requestId = chat.header("x-request-id");
        assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + requestId + "\",\"value\":\"down\"}",
                Http.bearer(key)).status()).isEqualTo(201);
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
        for (JsonNode item : gw.http().get("/admin/reviews", Http.bearer(TestGateway.ADMIN_KEY)).json().path("data")) {
            if (item.path("request_id").asText().equals(requestId)) {
                return item.path("id").asText();
            }
        }
        throw new AssertionError("request " + requestId + " was not queued");
    }

    @Test
    @DisplayName("label then add-to-dataset appends a test the suite loader reads; unlabelled or repeated items are refused")
    void labelAndAddToDataset() throws IOException {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "tracing:\n  capture: full\n", Clock.systemUTC())) {
            String key = gw.createKey("app");
            String bad = reviewOf(gw, key, "What is the capital of France?");
            String fine = reviewOf(gw, key, "Say hello.");
            String url = "http://127.0.0.1:" + gw.gateway().port();
            String[] admin = {"--url", url, "--admin-key", TestGateway.ADMIN_KEY};
            Path dataset = dir.resolve("reviewed.jsonl");

            CliTest.Run list = CliTest.run(args(admin, "reviews", "list"));
            assertThat(list.code()).as(list.out()).isZero();
            assertThat(list.out()).contains(bad, fine, "feedback:thumbs down", "open");

            CliTest.Run unlabelled = CliTest.run(args(admin, "reviews", "add-to-dataset", bad, "--dataset", dataset.toString()));
            assertThat(unlabelled.code()).isNotZero();
            assertThat(unlabelled.out()).contains("not labelled yet");
            assertThat(dataset).doesNotExist();

            CliTest.Run wrong = CliTest.run(args(admin, "reviews", "label", bad, "--label", "meh"));
            assertThat(wrong.code()).isNotZero();
            assertThat(wrong.out()).contains("Unknown label 'meh'");
            assertThat(CliTest.run(args(admin, "reviews", "label", bad, "--label", "incorrect", "--comment",
                    "Paris, not Lyon")).code()).isZero();
            assertThat(CliTest.run(args(admin, "reviews", "label", fine, "--label", "correct")).code()).isZero();

            CliTest.Run show = CliTest.run(args(admin, "reviews", "show", bad));
            assertThat(show.code()).as(show.out()).isZero();
            assertThat(show.out()).contains("label incorrect", "Paris, not Lyon", "--- request", "What is the capital of France?");
            assertThat(CliTest.run(args(admin, "reviews", "list", "--status", "labelled")).out()).contains("labelled:incorrect");

            CliTest.Run added = CliTest.run(args(admin, "reviews", "add-to-dataset", bad, "--dataset", dataset.toString()));
            assertThat(added.code()).as(added.out()).isZero();
            assertThat(CliTest.run(args(admin, "reviews", "add-to-dataset", fine, "--dataset", dataset.toString())).code())
                    .isZero();
            CliTest.Run again = CliTest.run(args(admin, "reviews", "add-to-dataset", bad, "--dataset", dataset.toString()));
            assertThat(again.code()).isNotZero();
            assertThat(again.out()).contains("already in");
            assertThat(Files.readAllLines(dataset)).hasSize(2);
            assertThat(CliTest.run(args(admin, "reviews", "add-to-dataset", bad, "--dataset",
                    dir.resolve("x.csv").toString())).out()).contains(".jsonl");

            // the lines load as tests of a suite
            Path suiteFile = dir.resolve("suite.yaml");
            Files.writeString(suiteFile, """
                    prompts: ["{{ input }}"]
                    providers: [sluice:gpt-4o-mini]
                    tests: file://reviewed.jsonl
                    """);
            Suite suite = new SuiteLoader(Scorers.standard()).load(suiteFile);
            List<TestCase> tests = suite.tests();
            assertThat(tests).hasSize(2);
            TestCase incorrect = tests.get(0);
            assertThat(incorrect.vars()).containsEntry("input", "What is the capital of France?");
            assertThat(incorrect.metadata()).containsEntry("label", "incorrect").containsEntry("comment", "Paris, not Lyon")
                    .containsEntry("review_id", bad).containsEntry("model", "gpt-4o-mini");
            Assertion notRepeat = incorrect.asserts().get(0);
            assertThat(notRepeat.type()).isEqualTo("similar");
            assertThat(notRepeat.negated()).isTrue();
            assertThat(notRepeat.value().asText()).isNotBlank();
            Assertion resemble = tests.get(1).asserts().get(0);
            assertThat(resemble.negated()).isFalse();
            assertThat(tests.get(1).vars()).containsEntry("input", "Say hello.");
            JsonNode first = Json.parse(Files.readAllLines(dataset).get(0).getBytes(StandardCharsets.UTF_8));
            assertThat(first.path("description").asText()).contains(bad, "incorrect");
        }
    }

    @Test
    @DisplayName("the test case: text parts of the last user message; no captured request or no label is a clear refusal")
    void testCaseShape() {
        JsonNode item = Json.parse(("""
                {"id":"rv_1","status":"labelled","label":"harmful","comment":null,"request_id":"r1","team":null,
                 "request":{"messages":[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},
                   {"role":"user","content":[{"type":"text","text":"part one"},{"type":"image_url","image_url":{"url":"x"}},
                   {"type":"text","text":"part two"}]}]},
                 "response":null}
                """).getBytes(StandardCharsets.UTF_8));
        JsonNode test = ReviewTestCase.of(item);
        assertThat(test.path("vars").path("input").asText()).isEqualTo("part one\npart two");
        assertThat(test.path("assert")).isEmpty(); // no captured answer to compare with
        assertThat(test.path("metadata").path("label").asText()).isEqualTo("harmful");
        assertThat(test.path("metadata").has("team")).isFalse();

        JsonNode uncaptured = Json.parse("{\"id\":\"rv_2\",\"status\":\"labelled\",\"label\":\"correct\",\"request\":null}"
                .getBytes(StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReviewTestCase.of(uncaptured))
                .hasMessageContaining("tracing.capture: full");
        JsonNode open = Json.parse("{\"id\":\"rv_3\",\"status\":\"open\",\"label\":null}".getBytes(StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReviewTestCase.of(open))
                .hasMessageContaining("not labelled yet");
    }

    static String[] args(String[] admin, String... command) {
        String[] all = new String[command.length + admin.length];
        System.arraycopy(command, 0, all, 0, command.length);
        System.arraycopy(admin, 0, all, command.length, admin.length);
        return all;
    }
}
