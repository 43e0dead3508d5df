package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Bad input and upstream faults get OpenAI-format errors with the right status")
class ErrorsTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.startWithoutResilience();
        key = gw.createKey("errors-test");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static Map<String, String> auth(String... extra) {
        return Http.bearer(key, extra);
    }

    private static ObjectNode chat(String model) {
        ObjectNode body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "hello");
        return body;
    }

    /** Asserts the OpenAI error shape and returns the error object. */
    private static JsonNode error(Http.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        JsonNode error = r.json().path("error");
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
        assertThat(r.header("x-request-id")).isNotBlank();
        return error;
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "{not json                                             | ",
            "[1,2,3]                                               | ",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}     | model",
            "{\"model\":\"gpt-4o-mini\"}                             | messages",
            "{\"model\":42,\"messages\":[]}                          | model",
            "{\"model\":\"gpt-4o-mini\",\"messages\":\"hi\"}           | messages",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[]}             | messages",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"content\":\"x\"}]} | messages[0].role",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]} | messages[0].role",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":5}]} | messages[0].content",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"} | temperature",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":9} | temperature",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":-1} | max_tokens",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"} | stream",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":1.5} | n",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\"}]} | tools[0].function",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"xml\"}} | response_format.type",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]} | messages[0].tool_call_id",
    })
    @DisplayName("malformed JSON, wrong types and missing fields")
    void badRequests(String body, String param) {
        JsonNode e = error(gw.http().post("/v1/chat/completions", body, auth()), 400);
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        if (param != null) {
            assertThat(e.path("param").asText()).isEqualTo(param);
            assertThat(e.path("message").asText()).contains(param);
        }
    }

    @Test
    @DisplayName("an unknown model is a 404 model_not_found, through the SDK too")
    void unknownModel() {
        JsonNode e = error(gw.http().post("/v1/chat/completions", chat("gpt-9"), auth()), 404);
        assertThat(e.path("code").asText()).isEqualTo("model_not_found");
        assertThat(e.path("message").asText()).contains("gpt-9");
        assertThatThrownBy(() -> gw.openAi(key).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-9").addUserMessage("x").build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("missing and invalid keys are 401")
    void keys() {
        JsonNode missing = error(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"), Map.of()), 401);
        assertThat(missing.path("code").asText()).isEqualTo("missing_api_key");
        JsonNode invalid = error(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"),
                Map.of("authorization", "Bearer sk-sluice-notarealkey000000000000000000")), 401);
        assertThat(invalid.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(invalid.path("message").asText()).doesNotContain("notarealkey");
        assertThatThrownBy(() -> gw.openAi("sk-wrong").chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("x").build())).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    @DisplayName("a request without a valid key is refused before its body is read: no JSON error, no 413")
    void keyBeforeBody() {
        JsonNode badJson = error(gw.http().post("/v1/chat/completions", "{not json", Map.of()), 401);
        assertThat(badJson.path("code").asText()).isEqualTo("missing_api_key");
        String big = "x".repeat(1_200_000);
        JsonNode tooLarge = error(gw.http().post("/v1/chat/completions", big,
                Map.of("authorization", "Bearer sk-sluice-notarealkey000000000000000000")), 401);
        assertThat(tooLarge.path("code").asText()).isEqualTo("invalid_api_key");
        JsonNode embeddings = error(gw.http().post("/v1/embeddings", "{not json", Map.of()), 401);
        assertThat(embeddings.path("code").asText()).isEqualTo("missing_api_key");
    }

    @Test
    @DisplayName("a body over the limit is 413, declared or streamed in chunks")
    void tooLarge() {
        String big = "x".repeat(1_200_000);
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", big);
        JsonNode e = error(gw.http().post("/v1/chat/completions", body, auth()), 413);
        assertThat(e.path("code").asText()).isEqualTo("request_too_large");
    }

    @ParameterizedTest(name = "upstream {0} -> {1}")
    @CsvSource({"500, 502, server_error", "503, 502, server_error", "429, 429, rate_limited", "400, 400, bad_request"})
    @DisplayName("upstream errors are classified and keep the upstream's message")
    void upstreamErrors(int upstream, int expected, String code) {
        JsonNode e = error(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"),
                auth("x-sim-error-rate", "1", "x-sim-error-status", Integer.toString(upstream))), expected);
        assertThat(e.path("code").asText()).isEqualTo(code);
    }

    @Test
    @DisplayName("an upstream 429 keeps its Retry-After, and the SDK sees a RateLimitException")
    void rateLimited() {
        Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"),
                auth("x-sim-error-rate", "1", "x-sim-error-status", "429", "x-sim-retry-after", "7"));
        error(r, 429);
        assertThat(r.header("retry-after")).isEqualTo("7");
        assertThatThrownBy(() -> gw.openAi(key).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("x")
                .putAdditionalHeader("x-sim-error-rate", "1").putAdditionalHeader("x-sim-error-status", "429").build()))
                .isInstanceOf(RateLimitException.class);
    }

    @Test
    @DisplayName("an upstream that does not answer in time is a 504")
    void timeout() {
        JsonNode e = error(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"), auth("x-sim-hang-ms", "8000")), 504);
        assertThat(e.path("code").asText()).isEqualTo("timeout");
    }

    @Test
    @DisplayName("an upstream body that is not JSON is a 502")
    void malformedUpstream() {
        JsonNode e = error(gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"), auth("x-sim-malformed", "true")), 502);
        assertThat(e.path("code").asText()).isEqualTo("malformed_response");
    }

    @Test
    @DisplayName("an upstream that dies mid-stream ends the stream with an error event, and the request is logged as failed")
    void deathMidStream() {
        ObjectNode body = chat("gpt-4o-mini").put("stream", true);
        Http.Response r = gw.http().postStreaming("/v1/chat/completions", body,
                auth("x-sim-reset-after", "3", "x-sim-tokens", "20", "x-request-id", "dies-mid-stream"), (l, t) -> {});
        assertThat(r.status()).isEqualTo(200);
        var events = r.events();
        assertThat(events).doesNotContain("[DONE]");
        assertThat(events.getLast()).contains("\"error\"");
        JsonNode row = gw.logs("request_id=dies-mid-stream").get(0);
        assertThat(row.path("status").asInt()).isEqualTo(502);
        assertThat(row.path("error_type").asText()).isEqualTo("connection_error");
    }

    @Test
    @DisplayName("unknown paths are 404 and wrong methods 405, in the same error format")
    void routes() {
        assertThat(error(gw.http().get("/v2/whatever", auth()), 404).path("message").asText()).contains("/v2/whatever");
        error(gw.http().get("/v1/chat/completions", auth()), 405);
    }

    @Test
    @DisplayName("after every fault the gateway still serves, and no earlier log row is lost")
    void survives() {
        long before = gw.logs("limit=1000").size();
        for (int i = 0; i < 3; i++) {
            gw.http().post("/v1/chat/completions", "{oops", auth());
            gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"), auth("x-sim-error-rate", "1"));
        }
        Http.Response ok = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini"), auth());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(gw.awaitLogs("limit=1000", (int) before + 7).size()).isEqualTo(before + 7);
    }
}
