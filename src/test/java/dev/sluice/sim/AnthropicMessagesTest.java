package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.TokenCounter;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Anthropic Messages, non-streaming")
class AnthropicMessagesTest {
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
    @DisplayName("answers a message with a text block, end_turn and usage")
    void message() {
        HttpResponse<String> response = client.post("/v1/messages", Requests.messages("Tell me about forests."),
                "x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
        JsonNode body = SimClient.json(response);
        assertThat(body.path("id").asText()).startsWith("msg_");
        assertThat(body.path("type").asText()).isEqualTo("message");
        assertThat(body.path("role").asText()).isEqualTo("assistant");
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        JsonNode content = body.path("content");
        assertThat(content).hasSize(1);
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        String text = content.get(0).path("text").asText();
        assertThat(text).isNotBlank();
        assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.path("stop_sequence").isNull()).isTrue();
        assertThat(body.path("usage").path("input_tokens").asInt()).isPositive();
        assertThat(body.path("usage").path("output_tokens").asInt()).isEqualTo(TokenCounter.count(text));
    }

    @Test
    @DisplayName("records x-api-key and anthropic-version without requiring them")
    void headersRecordedNotRequired() {
        assertThat(client.post("/v1/messages", Requests.messages("no headers")).statusCode()).isEqualTo(200);

        client.post("/v1/messages", Requests.messages("with headers"), "x-api-key", "sk-ant-1", "anthropic-version", "2023-06-01");

        RecordedRequest last = sim.recorded().getLast();
        assertThat(last.header("x-api-key")).isEqualTo("sk-ant-1");
        assertThat(last.header("anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    @DisplayName("requires max_tokens with an invalid_request_error")
    void maxTokensRequired() {
        ObjectNode request = Requests.messages("hi");
        request.remove("max_tokens");

        HttpResponse<String> response = client.post("/v1/messages", request);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = SimClient.json(response);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asText()).contains("max_tokens");
    }

    @Test
    @DisplayName("stops at max_tokens with stop_reason max_tokens")
    void maxTokens() {
        JsonNode body = SimClient.json(client.post("/v1/messages", Requests.messages("hi").put("max_tokens", 3),
                "x-sim-tokens", "30"));

        assertThat(body.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(body.path("usage").path("output_tokens").asInt()).isEqualTo(3);
    }

    @Test
    @DisplayName("stops at a stop sequence with stop_reason stop_sequence naming it")
    void stopSequence() {
        ObjectNode request = Requests.messages("hi");
        String full = SimClient.json(client.post("/v1/messages", request, "x-sim-tokens", "30"))
                .path("content").get(0).path("text").asText();
        String stop = full.substring(full.indexOf(' ', 8), full.indexOf(' ', 8) + 3);
        request.putArray("stop_sequences").add(stop);

        JsonNode body = SimClient.json(client.post("/v1/messages", request, "x-sim-tokens", "30"));

        assertThat(body.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(body.path("stop_sequence").asText()).isEqualTo(stop);
        assertThat(body.path("content").get(0).path("text").asText()).isEqualTo(full.substring(0, full.indexOf(stop)));
    }

    @Test
    @DisplayName("reads a system prompt given as a string or as text blocks the same way")
    void systemForms() {
        ObjectNode asString = Requests.messages("hi").put("system", "Be brief.");
        ObjectNode asBlocks = Requests.messages("hi");
        asBlocks.putArray("system").addObject().put("type", "text").put("text", "Be brief.");

        JsonNode a = SimClient.json(client.post("/v1/messages", asString));
        JsonNode b = SimClient.json(client.post("/v1/messages", asBlocks));

        assertThat(a.path("content")).isEqualTo(b.path("content"));
        assertThat(a.path("usage").path("input_tokens").asInt()).isEqualTo(b.path("usage").path("input_tokens").asInt());
    }

    @Test
    @DisplayName("calls a mentioned tool with a tool_use block and stop_reason tool_use")
    void toolUse() {
        ObjectNode request = Requests.messages("Use get_weather for Madrid.");
        request.putArray("tools").add(Requests.anthropicWeatherTool());

        JsonNode body = SimClient.json(client.post("/v1/messages", request));

        assertThat(body.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode block = body.path("content").get(0);
        assertThat(block.path("type").asText()).isEqualTo("tool_use");
        assertThat(block.path("id").asText()).startsWith("toolu_");
        assertThat(block.path("name").asText()).isEqualTo("get_weather");
        assertThat(block.path("input").path("location").asText()).isEqualTo("Madrid");
        assertThat(block.path("input").path("unit").asText()).isEqualTo("celsius");
    }

    @Test
    @DisplayName("honours tool_choice any, tool and none")
    void toolChoice() {
        ObjectNode any = Requests.messages("Hello.");
        any.putArray("tools").add(Requests.anthropicWeatherTool());
        any.putObject("tool_choice").put("type", "any");
        assertThat(SimClient.json(client.post("/v1/messages", any)).path("stop_reason").asText()).isEqualTo("tool_use");

        ObjectNode named = any.deepCopy();
        named.putObject("tool_choice").put("type", "tool").put("name", "get_weather");
        assertThat(SimClient.json(client.post("/v1/messages", named)).path("content").get(0).path("name").asText())
                .isEqualTo("get_weather");

        ObjectNode none = Requests.messages("Use get_weather.");
        none.putArray("tools").add(Requests.anthropicWeatherTool());
        none.putObject("tool_choice").put("type", "none");
        assertThat(SimClient.json(client.post("/v1/messages", none)).path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    @DisplayName("answers a tool_result with text that mentions the result")
    void toolResult() {
        ObjectNode request = Requests.messages("Use get_weather for Madrid.");
        request.putArray("tools").add(Requests.anthropicWeatherTool());
        ArrayNode messages = request.withArray("messages");
        ObjectNode toolUse = messages.addObject().put("role", "assistant").putArray("content").addObject()
                .put("type", "tool_use").put("id", "toolu_1").put("name", "get_weather");
        toolUse.putObject("input").put("location", "Madrid");
        ArrayNode userBlocks = messages.addObject().put("role", "user").putArray("content");
        ObjectNode result = userBlocks.addObject().put("type", "tool_result").put("tool_use_id", "toolu_1");
        result.putArray("content").addObject().put("type", "text").put("text", "sunny, 30 degrees");

        JsonNode body = SimClient.json(client.post("/v1/messages", request));

        assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.path("content").get(0).path("text").asText())
                .startsWith("The get_weather tool returned: sunny, 30 degrees.");
    }

    @Test
    @DisplayName("accepts image blocks and ignores them for the answer")
    void imageBlocks() {
        ObjectNode request = Requests.messages("ignored");
        ArrayNode blocks = ((ObjectNode) request.withArray("messages").get(0)).putArray("content");
        ObjectNode image = blocks.addObject().put("type", "image");
        image.putObject("source").put("type", "base64").put("media_type", "image/png").put("data", "iVBORw0KGgo=");
        blocks.addObject().put("type", "text").put("text", "What is in this picture?");

        assertThat(client.post("/v1/messages", request).statusCode()).isEqualTo(200);
    }
}
