package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.FakeUpstream;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A plain chat request and its answer go through as the client and the upstream sent them")
class ChatPassThroughTest {
    /** Compact, in OpenAI's field order, a character outside the BMP as its surrogates' escapes: what Sluice writes. */
    private static final String CANONICAL = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"up-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Caf\u00e9 \\\"au\\\" lait\\n\u65e5\u672c \\uD83D\\uDE00\","
            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
            + "\"completion_tokens\":4,\"total_tokens\":13},\"system_fingerprint\":\"fp_1\"}";
    /** The same answer as OpenAI itself writes it: indented, with fields Sluice does not keep. */
    private static final String OPENAI_STYLE = """
            {
              "id": "chatcmpl-1",
              "object": "chat.completion",
              "created": 1700000000,
              "model": "up-1",
              "choices": [
                {
                  "index": 0,
                  "message": {
                    "role": "assistant",
                    "content": "Caf\\u00e9 \\"au\\" lait\\n日本 😀",
                    "refusal": null,
                    "annotations": []
                  },
                  "logprobs": null,
                  "finish_reason": "stop"
                }
              ],
              "usage": {
                "prompt_tokens": 9,
                "completion_tokens": 4,
                "total_tokens": 13,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0}
              },
              "service_tier": "default",
              "system_fingerprint": "fp_1"
            }
            """;

    static volatile String answer = CANONICAL;
    static FakeUpstream upstream;
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(exchange -> FakeUpstream.json(200, answer).write(exchange));
        gw = TestGateway.start(SimOptions.defaults(), """
                providers:
                  up: {type: openai, base_url: "%s/v1", api_key: k}
                models:
                  up-1: {provider: up}
                  alias: {provider: up, model: up-1}
                """.formatted(upstream.baseUrl()), Clock.systemUTC());
        key = gw.createKey("passthrough");
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    private static Http.Response post(String body, String requestId) {
        return post(body.getBytes(StandardCharsets.UTF_8), requestId);
    }

    private static Http.Response post(byte[] body, String requestId) {
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key, "x-request-id", requestId));
        assertThat(upstream.failures()).isEmpty();
        return r;
    }

    /** What the upstream received for the request with this id. */
    private static FakeUpstream.Received received(String requestId) {
        return upstream.received().stream().filter(r -> requestId.equals(r.header("x-request-id"))).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("a request no stage changed, for the upstream's own model name, reaches the upstream byte for byte")
    void requestAsSent() {
        answer = CANONICAL;
        String body = "{ \"temperature\": 0, \"model\" : \"up-1\",\n \"messages\": [{\"content\": \"Caf\\u00e9?\", \"role\": \"user\","
                + " \"x_part\": {\"a\": [1, 2.50]}}],\"seed\":7, \"vendor_option\": {\"keep\": true}, \"stream\": false}";
        Http.Response r = post(body, "pass-req");

        assertThat(r.status()).isEqualTo(200);
        assertThat(received("pass-req").raw()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a request for another upstream model name, or with fields the gateway writes differently, is written again")
    void requestRewritten() {
        answer = CANONICAL;
        String[] bodies = {
            // the upstream's name is not the client's
            "{\"model\": \"alias\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
            // stream_options without a stream: OpenAI refuses it, the writer leaves it out
            "{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream_options\": {\"include_usage\": true}}",
            // a single stop string is written as an array
            "{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stop\": \"END\"}",
            // a null is left out
            "{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"name\": null}], \"user\": null}",
            // a repeated field: the last one counts, and only it goes upstream
            "{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"seed\": 1, \"seed\": 2}",
            // tools are written in their canonical shape
            "{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\","
                    + " \"function\": {\"name\": \"f\", \"parameters\": {\"type\": \"object\"}}}]}",
        };
        for (int i = 0; i < bodies.length; i++) {
            String id = "rewrite-" + i;
            Http.Response r = post(bodies[i].getBytes(StandardCharsets.UTF_8), id);
            assertThat(r.status()).as(bodies[i]).isEqualTo(200);
            FakeUpstream.Received got = received(id);
            assertThat(new String(got.raw(), StandardCharsets.UTF_8)).as(bodies[i]).isNotEqualTo(bodies[i]);
            assertThat(got.body().path("model").asText()).isEqualTo("up-1");
            assertThat(got.body().has("stream_options")).isFalse();
            assertThat(got.body().path("messages").get(0).has("name")).isFalse();
            assertThat(got.body().has("user")).isFalse();
        }
        assertThat(received("rewrite-2").body().path("stop").isArray()).isTrue();

        // bodies both reads accept whose bytes are not a plain UTF-8 object: written again, as UTF-8, alone
        String plain = "{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        byte[] bom = ("\uFEFF" + plain).getBytes(StandardCharsets.UTF_8);
        byte[][] odd = {bom, plain.getBytes(StandardCharsets.UTF_16LE), (plain + " trailing").getBytes(StandardCharsets.UTF_8)};
        for (int i = 0; i < odd.length; i++) {
            String id = "odd-" + i;
            Http.Response r = post(odd[i], id);
            assertThat(r.status()).as(id).isEqualTo(200);
            byte[] raw = received(id).raw();
            assertThat(raw[0]).as(id).isEqualTo((byte) '{');
            assertThat(new String(raw, StandardCharsets.UTF_8)).as(id).endsWith("}").doesNotContain("trailing");
            assertThat(received(id).body().path("messages").get(0).path("content").asText()).isEqualTo("hi");
        }
        assertThat(received("rewrite-4").body().path("seed").asInt()).isEqualTo(2);
    }

    @Test
    @DisplayName("an answer in the gateway's own form reaches the client as the upstream sent it")
    void canonicalAnswerAsSent() {
        answer = CANONICAL;
        Http.Response r = post("{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "pass-answer");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(CANONICAL);
    }

    @Test
    @DisplayName("any other answer is written by the gateway as before: the same bytes as writing the answer read from it")
    void otherAnswersWrittenAsBefore() throws Exception {
        answer = OPENAI_STYLE;
        Http.Response r = post("{\"model\": \"up-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "rewrite-answer");

        assertThat(r.status()).isEqualTo(200);
        JsonNode tree = Json.parse(OPENAI_STYLE.getBytes(StandardCharsets.UTF_8));
        byte[] written = ChatResponseCodec.writeResponse(ChatResponseCodec.readResponse(tree));
        assertThat(r.body()).isEqualTo(new String(written, StandardCharsets.UTF_8));
        assertThat(r.body()).isNotEqualTo(OPENAI_STYLE);
    }

    @Test
    @DisplayName("the official client reads an answer passed through, and the request log has its usage")
    void officialClient() {
        answer = CANONICAL;
        var completion = gw.openAi(key).chat().completions().create(com.openai.models.chat.completions.ChatCompletionCreateParams
                .builder().model("up-1").addUserMessage("hi").temperature(0.0).build());

        assertThat(completion.choices().getFirst().message().content()).contains("Café \"au\" lait\n日本 😀");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(13);
        JsonNode row = gw.awaitLogs("model=up-1", 1).path(0);
        assertThat(row.path("tokens_in").asInt()).isEqualTo(9);
        assertThat(row.path("tokens_out").asInt()).isEqualTo(4);
    }
}
