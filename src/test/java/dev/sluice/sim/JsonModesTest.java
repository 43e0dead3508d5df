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

@DisplayName("OpenAI response_format JSON modes")
class JsonModesTest {
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
    @DisplayName("json_object answers a JSON object string")
    void jsonObject() {
        ObjectNode request = Requests.chat("Answer in JSON.");
        request.putObject("response_format").put("type", "json_object");

        String content = SimClient.json(client.post("/v1/chat/completions", request))
                .path("choices").get(0).path("message").path("content").asText();

        JsonNode parsed = Json.parse(content.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.isObject()).isTrue();
        assertThat(parsed.path("answer").asText()).isNotBlank();
    }

    @Test
    @DisplayName("json_schema answers an instance of the schema, built from the prompt where it can")
    void jsonSchema() {
        ObjectNode request = Requests.chat("Plan a trip to Lisbon with a friend named Ana.");
        ObjectNode format = request.putObject("response_format").put("type", "json_schema");
        ObjectNode jsonSchema = format.putObject("json_schema").put("name", "trip").put("strict", true);
        ObjectNode schema = jsonSchema.putObject("schema").put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("destination").put("type", "string");
        props.putObject("days").put("type", "integer").put("minimum", 3);
        props.putObject("budget").put("type", "number");
        props.putObject("refundable").put("type", "boolean");
        props.putObject("class").put("type", "string").putArray("enum").add("economy").add("business");
        ObjectNode traveller = props.putObject("traveller").put("type", "object");
        traveller.putObject("properties").putObject("name").put("type", "string");
        traveller.putArray("required").add("name");
        props.putObject("stops").put("type", "array").putObject("items").put("type", "string");
        schema.putArray("required").add("destination").add("days").add("budget").add("refundable").add("class")
                .add("traveller").add("stops");

        String content = SimClient.json(client.post("/v1/chat/completions", request))
                .path("choices").get(0).path("message").path("content").asText();

        JsonNode trip = Json.parse(content.getBytes(StandardCharsets.UTF_8));
        assertThat(trip.path("destination").asText()).isEqualTo("Lisbon");
        assertThat(trip.path("days").isIntegralNumber()).isTrue();
        assertThat(trip.path("days").asInt()).isEqualTo(3);
        assertThat(trip.path("budget").asDouble()).isEqualTo(1.0);
        assertThat(trip.path("refundable").asBoolean()).isTrue();
        assertThat(trip.path("class").asText()).isEqualTo("economy");
        assertThat(trip.path("traveller").path("name").asText()).isEqualTo("Ana");
        assertThat(trip.path("stops").isArray()).isTrue();
        assertThat(trip.path("stops")).hasSize(1);
    }

    @Test
    @DisplayName("streams a json_schema answer in pieces that concatenate to the same JSON")
    void streamedJsonSchema() {
        ObjectNode request = Requests.streamingChat("Name a city: Berlin.");
        ObjectNode jsonSchema = request.putObject("response_format").put("type", "json_schema")
                .putObject("json_schema").put("name", "city");
        jsonSchema.putObject("schema").put("type", "object").putObject("properties").putObject("city").put("type", "string");

        List<JsonNode> chunks = client.stream("/v1/chat/completions", request).jsonEvents();

        String content = OpenAiStreamingTest.content(chunks, 0);
        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(Json.parse(content.getBytes(StandardCharsets.UTF_8)).isObject()).isTrue();
    }
}
