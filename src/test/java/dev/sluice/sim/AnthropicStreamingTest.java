package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Anthropic Messages, streaming")
class AnthropicStreamingTest {
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
    @DisplayName("sends message_start, content_block_start, ping, text deltas, content_block_stop, message_delta, message_stop")
    void textEvents() {
        SimClient.Stream stream = client.stream("/v1/messages", Requests.messages("Hello").put("stream", true),
                "x-sim-tokens", "4");

        assertThat(stream.failure()).isNull();
        List<SimClient.SseEvent> events = stream.events();
        assertThat(events).extracting(SimClient.SseEvent::event).containsExactly("message_start", "content_block_start",
                "ping", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        assertThat(events).allSatisfy(e -> assertThat(e.json().path("type").asText()).isEqualTo(e.event()));

        JsonNode message = events.get(0).json().path("message");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("content")).isEmpty();
        assertThat(message.path("stop_reason").isNull()).isTrue();
        assertThat(message.path("usage").path("input_tokens").asInt()).isPositive();
        assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(1);

        JsonNode blockStart = events.get(1).json();
        assertThat(blockStart.path("index").asInt()).isZero();
        assertThat(blockStart.path("content_block").path("type").asText()).isEqualTo("text");
        assertThat(blockStart.path("content_block").path("text").asText()).isEmpty();

        StringBuilder text = new StringBuilder();
        for (SimClient.SseEvent e : events.subList(3, 7)) {
            JsonNode delta = e.json().path("delta");
            assertThat(delta.path("type").asText()).isEqualTo("text_delta");
            text.append(delta.path("text").asText());
        }
        JsonNode whole = SimClient.json(client.post("/v1/messages", Requests.messages("Hello"), "x-sim-tokens", "4"));
        assertThat(text.toString()).isEqualTo(whole.path("content").get(0).path("text").asText());

        JsonNode messageDelta = events.get(8).json();
        assertThat(messageDelta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(messageDelta.path("delta").path("stop_sequence").isNull()).isTrue();
        assertThat(messageDelta.path("usage").path("output_tokens").asInt()).isEqualTo(4);
    }

    @Test
    @DisplayName("streams a tool_use block with its input as input_json_delta fragments")
    void toolUseEvents() {
        ObjectNode request = Requests.messages("get_weather for Vienna").put("stream", true);
        request.putArray("tools").add(Requests.anthropicWeatherTool());

        List<SimClient.SseEvent> events = client.stream("/v1/messages", request).events();

        JsonNode start = events.get(1).json();
        assertThat(start.path("type").asText()).isEqualTo("content_block_start");
        JsonNode block = start.path("content_block");
        assertThat(block.path("type").asText()).isEqualTo("tool_use");
        assertThat(block.path("id").asText()).startsWith("toolu_");
        assertThat(block.path("name").asText()).isEqualTo("get_weather");
        assertThat(block.path("input").isObject()).isTrue();
        assertThat(block.path("input")).isEmpty();
        assertThat(events.get(2).event()).isEqualTo("ping");

        List<SimClient.SseEvent> deltas = events.stream().filter(e -> "content_block_delta".equals(e.event())).toList();
        assertThat(deltas).hasSizeBetween(2, 3);
        StringBuilder json = new StringBuilder();
        for (SimClient.SseEvent e : deltas) {
            assertThat(e.json().path("delta").path("type").asText()).isEqualTo("input_json_delta");
            json.append(e.json().path("delta").path("partial_json").asText());
        }
        assertThat(Json.parse(json.toString().getBytes(StandardCharsets.UTF_8)).path("location").asText()).isEqualTo("Vienna");

        JsonNode messageDelta = events.get(events.size() - 2).json();
        assertThat(messageDelta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(events.getLast().event()).isEqualTo("message_stop");
    }

    @Test
    @DisplayName("gives each parallel tool_use its own block index")
    void parallelToolUse() {
        ObjectNode request = Requests.messages("get_weather and get_time for Vienna").put("stream", true);
        ObjectNode time = Json.object().put("name", "get_time");
        time.putObject("input_schema").put("type", "object");
        request.putArray("tools").add(Requests.anthropicWeatherTool()).add(time);

        List<SimClient.SseEvent> events = client.stream("/v1/messages", request).events();

        assertThat(events.stream().filter(e -> "content_block_start".equals(e.event())).map(e -> e.json().path("index").asInt()))
                .containsExactly(0, 1);
        assertThat(events.stream().filter(e -> "content_block_stop".equals(e.event())).map(e -> e.json().path("index").asInt()))
                .containsExactly(0, 1);
    }
}
