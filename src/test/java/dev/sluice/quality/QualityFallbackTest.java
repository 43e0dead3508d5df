package dev.sluice.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Quality fallback: a whole answer that fails a check the fallback names is replaced before the client sees it")
class QualityFallbackTest {
    private static Simulator good;
    private static Simulator lowJudge;
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        good = Simulator.start(SimOptions.defaults().withSeed(3));
        // a judge that scores every answer 0.1; the steady simulator's judge answers score 1 (its schema's maximum)
        lowJudge = Simulator.start(SimOptions.defaults().withAnswer("low_score"));
        // the gateway's own simulator gives bad answers when the request says so (x-sim-answer is forwarded)
        gw = TestGateway.start(SimOptions.defaults(), """
                routing:
                  retries: 2
                providers:
                  flaky: {type: openai, base_url: "${SIM}/v1", forward_headers: ["x-sim-*"]}
                  steady: {type: openai, base_url: "%s/v1"}
                  low: {type: openai, base_url: "%s/v1"}
                guardrails:
                  models:
                    guarded: no-sorry
                    guarded-to-flaky: no-sorry
                    flaky-backup: no-sorry
                  policies:
                    no-sorry:
                      output:
                        banned: {action: block, phrases: ["can't help"]}
                models:
                  guarded:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: backup
                        on: [guardrail_block]
                  guarded-to-flaky:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: flaky-backup
                        on: [guardrail_block]
                  judged:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: backup
                        on: [judge_below: 0.5]
                        judge_model: judge-high
                  judged-low:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: backup
                        on: [server_error, {judge_below: 0.5}]
                        judge_model: judge-low
                  empty-to-flaky:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: flaky-backup
                        on: [empty]
                  judge-high:
                    provider: steady
                    model: gpt-4o-mini
                  judge-low:
                    provider: low
                    model: gpt-4o-mini
                  main:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: backup
                        on: [server_error, empty, refusal, schema_invalid]
                  no-quality:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: backup
                  main-to-flaky:
                    provider: flaky
                    model: gpt-4o-mini
                    fallbacks:
                      - model: flaky-backup
                        on: [refusal]
                  backup:
                    provider: steady
                    model: gpt-4o
                  flaky-backup:
                    provider: flaky
                    model: gpt-4o
                """.formatted(good.baseUrl(), lowJudge.baseUrl()), Clock.systemUTC());
        key = gw.createKey("quality");
    }

    @AfterAll
    static void stop() {
        gw.close();
        good.close();
        lowJudge.close();
    }

    private static ObjectNode chat(String model) {
        ObjectNode body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "Name a colour.");
        return body;
    }

    @Test
    @DisplayName("a JSON-mode answer that is not JSON is retried on the fallback: the official client gets valid JSON")
    void invalidJsonFallsBack() throws Exception {
        ChatCompletion completion = gw.openAi(key).withOptions(o -> o.putHeader("x-sim-answer", "invalid_json")
                        .putHeader("x-request-id", "quality-json-1"))
                .chat().completions().create(ChatCompletionCreateParams.builder().model("main")
                        .addUserMessage("Give me a colour as JSON.")
                        .responseFormat(ResponseFormatJsonObject.builder().build()).build());
        String content = completion.choices().getFirst().message().content().orElseThrow();
        assertThat(Json.MAPPER.readTree(content).isObject()).isTrue();
        assertThat(completion.model()).isEqualTo("gpt-4o");

        JsonNode row = gw.logs("request_id=quality-json-1").path(0);
        JsonNode attempts = row.path("attempt_log");
        assertThat(attempts.size()).isEqualTo(2);
        assertThat(attempts.path(0).path("error").asText()).isEqualTo("schema_invalid");
        assertThat(row.path("fallback_model").asText()).isEqualTo("backup");
    }

    @Test
    @DisplayName("a refusal and an empty answer each fall back; the attempt records why")
    void refusalAndEmptyFallBack() {
        for (String bad : new String[] {"refusal", "empty"}) {
            Http.Response r = gw.http().post("/v1/chat/completions", chat("main"),
                    Http.bearer(key, "x-sim-answer", bad));
            assertThat(r.status()).as(bad).isEqualTo(200);
            assertThat(r.header("x-sluice-fallback")).as(bad).isEqualTo("backup");
            assertThat(r.header("x-sluice-attempts")).as(bad).isEqualTo("2");
            assertThat(r.header("x-sluice-quality")).as(bad).isNull();
            String text = r.json().path("choices").path(0).path("message").path("content").asText();
            assertThat(text).as(bad).isNotBlank();
            assertThat(Refusals.isRefusal(text)).as(bad).isFalse();
        }
    }

    @Test
    @DisplayName("a good answer is served as it is, with one attempt")
    void goodAnswerIsServed() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("main"), Http.bearer(key));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-attempts")).isEqualTo("1");
        assertThat(r.header("x-sluice-fallback")).isNull();
    }

    @Test
    @DisplayName("checks run only when a fallback names them: without, a refusal reaches the client untouched")
    void checksAreOptIn() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("no-quality"),
                Http.bearer(key, "x-sim-answer", "refusal"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-attempts")).isEqualTo("1");
        assertThat(Refusals.isRefusal(r.json().path("choices").path(0).path("message").path("content").asText())).isTrue();
    }

    @Test
    @DisplayName("when the fallback fails the check too, the client gets the first answer, marked x-sluice-quality, and pays for both")
    void allFailKeepsFirstAnswer() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("main-to-flaky"),
                Http.bearer(key, "x-sim-answer", "refusal"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-quality")).isEqualTo("refusal");
        assertThat(r.header("x-sluice-attempts")).isEqualTo("2");
        assertThat(r.header("x-sluice-model")).isEqualTo("gpt-4o-mini");
        assertThat(r.json().path("model").asText()).isEqualTo("gpt-4o-mini");

        JsonNode row = gw.awaitLogs("model=main-to-flaky", 1).path(0);
        JsonNode usage = r.json().path("usage");
        // gpt-4o-mini's own answer alone; the discarded gpt-4o answer must be on top of it
        double servedOnly = usage.path("prompt_tokens").asDouble() * 0.15e-6 + usage.path("completion_tokens").asDouble() * 0.6e-6;
        assertThat(row.path("cost_usd").asDouble()).isGreaterThan(servedOnly * 1.5);
    }

    @Test
    @DisplayName("guardrail_block: an answer the output policy would block is retried on the fallback; the client never sees the block")
    void guardrailBlockFallsBack() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("guarded"),
                Http.bearer(key, "x-sim-answer", "refusal", "x-request-id", "quality-guard-1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-fallback")).isEqualTo("backup");
        assertThat(r.header("x-sluice-attempts")).isEqualTo("2");
        assertThat(r.json().path("choices").path(0).path("message").path("content").asText()).doesNotContain("can't help");

        JsonNode attempts = gw.awaitLogs("request_id=quality-guard-1", 1).path(0).path("attempt_log");
        assertThat(attempts.size()).isEqualTo(2);
        assertThat(attempts.path(0).path("error").asText()).isEqualTo("guardrail_block");
        assertThat(attempts.path(1).path("error").isNull() || attempts.path(1).path("error").isMissingNode()).isTrue();
    }

    @Test
    @DisplayName("guardrail_block: when the fallback's answer is blocked too, the client gets the normal guardrail_blocked error")
    void guardrailBlockOnBothIsBlocked() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("guarded-to-flaky"),
                Http.bearer(key, "x-sim-answer", "refusal", "x-request-id", "quality-guard-2"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("guardrail_blocked");
        JsonNode attempts = gw.awaitLogs("request_id=quality-guard-2", 1).path(0).path("attempt_log");
        assertThat(attempts.size()).isEqualTo(2);
        assertThat(attempts.path(1).path("error").asText()).isEqualTo("guardrail_block");
    }

    @Test
    @DisplayName("judge_below: a good answer costs one judge call (logged as <id>-quality-judge) and is served as it is")
    void judgedGoodAnswerIsServed() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("judged"),
                Http.bearer(key, "x-request-id", "quality-judge-1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-attempts")).isEqualTo("1");
        assertThat(r.header("x-sluice-fallback")).isNull();
        JsonNode judge = gw.awaitLogs("request_id=quality-judge-1-quality-judge", 1).path(0);
        assertThat(judge.path("model").asText()).isEqualTo("judge-high");
    }

    @Test
    @DisplayName("judge_below: an answer scored below the threshold (an empty one scores 0) is retried on the fallback")
    void judgedBadAnswerFallsBack() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("judged"),
                Http.bearer(key, "x-sim-answer", "empty", "x-request-id", "quality-judge-2"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-fallback")).isEqualTo("backup");
        assertThat(r.header("x-sluice-attempts")).isEqualTo("2");
        assertThat(r.json().path("choices").path(0).path("message").path("content").asText()).isNotBlank();
        JsonNode attempts = gw.awaitLogs("request_id=quality-judge-2", 1).path(0).path("attempt_log");
        assertThat(attempts.path(0).path("error").asText()).isEqualTo("judge_below");
    }

    @Test
    @DisplayName("judge_below: when the judge scores every answer low, the client gets the first answer marked x-sluice-quality")
    void judgedLowEverywhereKeepsFirst() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("judged-low"),
                Http.bearer(key, "x-request-id", "quality-judge-3"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-quality")).isEqualTo("judge_below");
        assertThat(r.header("x-sluice-attempts")).isEqualTo("2");
        assertThat(r.header("x-sluice-model")).isEqualTo("gpt-4o-mini");
        assertThat(r.json().path("choices").path(0).path("message").path("content").asText()).isNotBlank();
    }

    private static String streamedText(Http.Response r) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String event : r.events()) {
            if (event.equals("[DONE]")) {
                continue;
            }
            JsonNode delta = Json.MAPPER.readTree(event).path("choices").path(0).path("delta");
            text.append(delta.path("content").asText(""));
        }
        return text.toString();
    }

    @Test
    @DisplayName("streams: an empty stream (finished before any content, nothing sent yet) is retried on the fallback")
    void emptyStreamFallsBack() throws Exception {
        ObjectNode body = chat("main").put("stream", true);
        Http.Response r = gw.http().post("/v1/chat/completions", body,
                Http.bearer(key, "x-sim-answer", "empty", "x-request-id", "quality-stream-1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-fallback")).isEqualTo("backup");
        assertThat(streamedText(r)).isNotBlank();
        JsonNode attempts = gw.awaitLogs("request_id=quality-stream-1", 1).path(0).path("attempt_log");
        assertThat(attempts.size()).isEqualTo(2);
        assertThat(attempts.path(0).path("error").asText()).isEqualTo("empty");
    }

    @Test
    @DisplayName("streams: when the fallback's stream is empty too, the client gets the first one, marked x-sluice-quality")
    void emptyStreamEverywhereKeepsFirst() throws Exception {
        ObjectNode body = chat("empty-to-flaky").put("stream", true);
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key, "x-sim-answer", "empty"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-quality")).isEqualTo("empty");
        assertThat(r.header("x-sluice-attempts")).isEqualTo("2");
        assertThat(streamedText(r)).isEmpty();
        assertThat(r.events()).contains("[DONE]");
    }

    @Test
    @DisplayName("streams: other checks do not apply (a streamed refusal is sent as it comes)")
    void streamedRefusalIsNotChecked() throws Exception {
        ObjectNode body = chat("main").put("stream", true);
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key, "x-sim-answer", "refusal"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-sluice-attempts")).isEqualTo("1");
        assertThat(Refusals.isRefusal(streamedText(r))).isTrue();
    }
}
