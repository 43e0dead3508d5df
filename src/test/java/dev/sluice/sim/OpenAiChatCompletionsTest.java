package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.TokenCounter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI chat completions, non-streaming")
class OpenAiChatCompletionsTest {
    private static Simulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = Simulator.start();
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    @DisplayName("answers with a complete chat.completion that echoes the model")
    void completeResponse() {
        HttpResponse<String> response = client.post("/v1/chat/completions", Requests.chat("Tell me about rivers."));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
        JsonNode body = SimClient.json(response);
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("created").asLong()).isGreaterThan(1_700_000_000L);
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isNotBlank().endsWith(".");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    @DisplayName("counts prompt tokens like TokenCounter.countPrompt and completion tokens of the text it returned")
    void usage() {
        ObjectNode request = Requests.chat("How long is the Danube?");
        request.withArray("messages").insertObject(0).put("role", "system").put("content", "You are terse.");

        JsonNode body = SimClient.json(client.post("/v1/chat/completions", request));

        JsonNode usage = body.path("usage");
        int expectedPrompt = TokenCounter.countPrompt(ChatRequestCodec.read(request.toString().getBytes(StandardCharsets.UTF_8)));
        String content = body.path("choices").get(0).path("message").path("content").asText();
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(expectedPrompt);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(TokenCounter.count(content));
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(expectedPrompt + TokenCounter.count(content));
    }

    @Test
    @DisplayName("answers 16 to 48 tokens by default and exactly x-sim-tokens when asked")
    void length() {
        for (String prompt : new String[] {"a", "bb", "ccc", "dddd", "eeeee", "ffffff"}) {
            JsonNode body = SimClient.json(client.post("/v1/chat/completions", Requests.chat(prompt)));
            assertThat(body.path("usage").path("completion_tokens").asInt()).isBetween(16, 48);
        }
        JsonNode exact = SimClient.json(client.post("/v1/chat/completions", Requests.chat("Hi"), "x-sim-tokens", "100"));
        assertThat(exact.path("usage").path("completion_tokens").asInt()).isEqualTo(100);
    }

    @Test
    @DisplayName("returns n different choices, each with its index")
    void manyChoices() {
        JsonNode body = SimClient.json(client.post("/v1/chat/completions", Requests.chat("Pick a word.").put("n", 3)));

        JsonNode choices = body.path("choices");
        assertThat(choices).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(choices.get(i).path("index").asInt()).isEqualTo(i);
        }
        assertThat(choices.get(0).path("message").path("content").asText())
                .isNotEqualTo(choices.get(1).path("message").path("content").asText());
        int sum = 0;
        for (JsonNode c : choices) {
            sum += TokenCounter.count(c.path("message").path("content").asText());
        }
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(sum);
    }

    @Test
    @DisplayName("stops at max_tokens or max_completion_tokens with finish_reason length")
    void maxTokens() {
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            JsonNode body = SimClient.json(client.post("/v1/chat/completions", Requests.chat("Hi").put(field, 5),
                    "x-sim-tokens", "40"));

            assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
            assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        }
        JsonNode roomy = SimClient.json(client.post("/v1/chat/completions", Requests.chat("Hi").put("max_tokens", 50),
                "x-sim-tokens", "40"));
        assertThat(roomy.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    @DisplayName("cuts the answer before a stop sequence")
    void stopSequence() {
        ObjectNode request = Requests.chat("Hi");
        String full = SimClient.json(client.post("/v1/chat/completions", request, "x-sim-tokens", "30"))
                .path("choices").get(0).path("message").path("content").asText();
        String stop = full.substring(full.indexOf(' ', 10), full.indexOf(' ', 10) + 4);

        JsonNode body = SimClient.json(client.post("/v1/chat/completions", request.put("stop", stop), "x-sim-tokens", "30"));

        String cut = body.path("choices").get(0).path("message").path("content").asText();
        assertThat(cut).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    @DisplayName("rejects an invalid request with OpenAI's 400 error body naming the parameter")
    void invalidRequest() {
        HttpResponse<String> response = client.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = SimClient.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("messages");
        assertThat(error.has("code")).isTrue();
        assertThat(error.path("message").asText()).contains("messages");
    }

    @Test
    @DisplayName("rejects a body that is not JSON with a 400")
    void notJson() {
        HttpResponse<String> response = client.post("/v1/chat/completions", "hello");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).path("error").path("message").asText()).contains("not valid JSON");
    }

    @Test
    @DisplayName("answers unknown paths with a JSON 404")
    void unknownPath() {
        HttpResponse<String> response = client.post("/v1/completions", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(response).path("error").path("code").asText()).isEqualTo("unknown_url");
    }
}
