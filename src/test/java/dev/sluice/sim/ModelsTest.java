package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Model listing")
class ModelsTest {
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

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    @Test
    @DisplayName("lists the fixed models and every model a request has named, in OpenAI's format")
    void openAiList() {
        client.post("/v1/chat/completions", Requests.chat("hi").put("model", "my-own-model"));

        JsonNode list = SimClient.json(client.get("/v1/models"));

        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(ids(list)).containsAll(ModelCatalog.FIXED).contains("my-own-model");
        assertThat(list.path("data").get(0).path("object").asText()).isEqualTo("model");
        assertThat(list.path("data").get(0).path("owned_by").asText()).isNotBlank();
    }

    @Test
    @DisplayName("lists models in Anthropic's format when the request carries anthropic-version")
    void anthropicList() {
        JsonNode list = SimClient.json(client.get("/v1/models", "anthropic-version", "2023-06-01"));

        assertThat(list.path("data").get(0).path("type").asText()).isEqualTo("model");
        assertThat(list.path("has_more").asBoolean(true)).isFalse();
        assertThat(list.path("first_id").asText()).isEqualTo(ids(list).getFirst());
    }
}
