package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI tool calls")
class ToolCallsTest {
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

    private static ObjectNode withTools(String userText, ObjectNode... tools) {
        ObjectNode request = Requests.chat(userText);
        ArrayNode array = request.putArray("tools");
        for (ObjectNode tool : tools) {
            array.add(tool);
        }
        return request;
    }

    private static ObjectNode timeTool() {
        ObjectNode tool = Json.object().put("type", "function");
        ObjectNode fn = tool.putObject("function").put("name", "get_time");
        fn.putObject("parameters").put("type", "object").putObject("properties").putObject("timezone").put("type", "string");
        return tool;
    }

    @Test
    @DisplayName("calls the tool the user's message names, with arguments built from its schema and the prompt")
    void mentionedTool() {
        JsonNode body = SimClient.json(client.post("/v1/chat/completions",
                withTools("Please get weather for me: what is it like in Paris today?", Requests.weatherTool(), timeTool())));

        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode message = choice.path("message");
        assertThat(message.path("content").isNull()).isTrue();
        JsonNode calls = message.path("tool_calls");
        assertThat(calls).hasSize(1);
        JsonNode call = calls.get(0);
        assertThat(call.path("id").asText()).startsWith("call_").hasSize(5 + 24);
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        JsonNode arguments = Json.parse(call.path("function").path("arguments").asText().getBytes(StandardCharsets.UTF_8));
        assertThat(arguments.path("location").asText()).isEqualTo("Paris");
        assertThat(arguments.path("unit").asText()).isEqualTo("celsius");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    @DisplayName("gives the same tool call id for the same request, so replays match")
    void deterministicIds() {
        ObjectNode request = withTools("What does get_weather say for Oslo?", Requests.weatherTool());

        String first = SimClient.json(client.post("/v1/chat/completions", request))
                .path("choices").get(0).path("message").path("tool_calls").get(0).path("id").asText();
        String second = SimClient.json(client.post("/v1/chat/completions", request))
                .path("choices").get(0).path("message").path("tool_calls").get(0).path("id").asText();

        assertThat(first).isEqualTo(second);
    }

    @Test
    @DisplayName("answers with text when no tool is mentioned and tool_choice is auto")
    void noMention() {
        JsonNode choice = SimClient.json(client.post("/v1/chat/completions",
                withTools("Tell me a story.", Requests.weatherTool()))).path("choices").get(0);

        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.path("message").path("content").asText()).isNotBlank();
        assertThat(choice.path("message").has("tool_calls")).isFalse();
    }

    @Test
    @DisplayName("never calls a tool with tool_choice none, even when one is mentioned")
    void choiceNone() {
        JsonNode choice = SimClient.json(client.post("/v1/chat/completions",
                withTools("Use get_weather for Rome.", Requests.weatherTool()).put("tool_choice", "none")))
                .path("choices").get(0);

        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    @DisplayName("calls the first tool with tool_choice required, and the named one when tool_choice names a function")
    void requiredAndNamed() {
        JsonNode required = SimClient.json(client.post("/v1/chat/completions",
                withTools("Hello.", Requests.weatherTool(), timeTool()).put("tool_choice", "required")));
        assertThat(required.path("choices").get(0).path("message").path("tool_calls").get(0)
                .path("function").path("name").asText()).isEqualTo("get_weather");

        ObjectNode named = withTools("Hello.", Requests.weatherTool(), timeTool());
        named.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_time");
        JsonNode call = SimClient.json(client.post("/v1/chat/completions", named))
                .path("choices").get(0).path("message").path("tool_calls").get(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_time");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"timezone\":\"example\"}");
    }

    @Test
    @DisplayName("rejects a tool_choice naming a function that is not offered")
    void namedButMissing() {
        ObjectNode request = withTools("Hello.", Requests.weatherTool());
        request.putObject("tool_choice").put("type", "function").putObject("function").put("name", "nope");

        HttpResponse<String> response = client.post("/v1/chat/completions", request);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).path("error").path("param").asText()).isEqualTo("tool_choice");
    }

    @Test
    @DisplayName("matches tool names case-insensitively with underscores written as spaces, as whole words only")
    void mentionRules() {
        assertThat(firstCallName(withTools("Could you GET WEATHER in Lima?", Requests.weatherTool()))).isEqualTo("get_weather");
        assertThat(firstCallName(withTools("forget_weathering is not a tool", Requests.weatherTool()))).isNull();
    }

    @Test
    @DisplayName("calls every mentioned tool in parallel unless parallel_tool_calls is false")
    void parallelCalls() {
        ObjectNode request = withTools("Use get_weather and get_time for Tokyo.", Requests.weatherTool(), timeTool());
        JsonNode calls = SimClient.json(client.post("/v1/chat/completions", request))
                .path("choices").get(0).path("message").path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("id").asText()).isNotEqualTo(calls.get(1).path("id").asText());

        JsonNode single = SimClient.json(client.post("/v1/chat/completions", request.put("parallel_tool_calls", false)))
                .path("choices").get(0).path("message").path("tool_calls");
        assertThat(single).hasSize(1);
    }

    @Test
    @DisplayName("answers a tool result with text that mentions the result")
    void toolResult() {
        ObjectNode request = withTools("What's the weather in Paris? Use get_weather.", Requests.weatherTool());
        ArrayNode messages = request.withArray("messages");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        ObjectNode call = assistant.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
        call.putObject("function").put("name", "get_weather").put("arguments", "{\"location\":\"Paris\",\"unit\":\"celsius\"}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "{\"temperature\":21}");

        JsonNode choice = SimClient.json(client.post("/v1/chat/completions", request)).path("choices").get(0);

        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.path("message").path("content").asText())
                .startsWith("The get_weather tool returned: {\"temperature\":21}.");
    }

    @Test
    @DisplayName("streams a tool call as a header delta then two or three argument fragments, then finish_reason tool_calls")
    void streamedToolCall() {
        ObjectNode request = withTools("get_weather in Paris please", Requests.weatherTool()).put("stream", true);

        SimClient.Stream stream = client.stream("/v1/chat/completions", request);

        assertThat(stream.failure()).isNull();
        List<JsonNode> chunks = stream.jsonEvents();
        JsonNode header = chunks.getFirst().path("choices").get(0).path("delta");
        assertThat(header.path("role").asText()).isEqualTo("assistant");
        JsonNode headerCall = header.path("tool_calls").get(0);
        assertThat(headerCall.path("index").asInt()).isZero();
        assertThat(headerCall.path("id").asText()).startsWith("call_");
        assertThat(headerCall.path("type").asText()).isEqualTo("function");
        assertThat(headerCall.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(headerCall.path("function").path("arguments").asText()).isEmpty();

        List<JsonNode> fragments = chunks.subList(1, chunks.size() - 1);
        assertThat(fragments).hasSizeBetween(2, 3);
        StringBuilder arguments = new StringBuilder();
        for (JsonNode chunk : fragments) {
            JsonNode part = chunk.path("choices").get(0).path("delta").path("tool_calls").get(0);
            assertThat(part.path("index").asInt()).isZero();
            assertThat(part.has("id")).isFalse();
            arguments.append(part.path("function").path("arguments").asText());
        }
        assertThat(Json.parse(arguments.toString().getBytes(StandardCharsets.UTF_8)).path("location").asText())
                .isEqualTo("Paris");
        assertThat(chunks.getLast().path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(stream.events().getLast().data()).isEqualTo("[DONE]");
    }

    @Test
    @DisplayName("streams parallel tool calls with increasing indexes")
    void streamedParallelCalls() {
        ObjectNode request = withTools("get_weather and get_time for Lima", Requests.weatherTool(), timeTool())
                .put("stream", true);

        List<JsonNode> chunks = client.stream("/v1/chat/completions", request).jsonEvents();

        List<JsonNode> headers = chunks.stream()
                .map(c -> c.path("choices").get(0).path("delta").path("tool_calls").path(0))
                .filter(tc -> tc.has("id")).toList();
        assertThat(headers).extracting(h -> h.path("index").asInt()).containsExactly(0, 1);
        assertThat(headers).extracting(h -> h.path("function").path("name").asText()).containsExactly("get_weather", "get_time");
    }

    private static String firstCallName(ObjectNode request) {
        JsonNode calls = SimClient.json(client.post("/v1/chat/completions", request))
                .path("choices").get(0).path("message").path("tool_calls");
        return calls.isEmpty() ? null : calls.get(0).path("function").path("name").asText();
    }
}
