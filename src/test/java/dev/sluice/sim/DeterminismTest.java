package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Deterministic answers")
class DeterminismTest {
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

    private static String openAi(SimClient c, ObjectNode request) {
        return SimClient.json(c.post("/v1/chat/completions", request)).path("choices").get(0).path("message")
                .path("content").asText();
    }

    @Test
    @DisplayName("answers the same request with the same text, on this and on another simulator with the same seed")
    void sameRequestSameText() {
        ObjectNode request = Requests.chat("What should I cook tonight?");
        String first = openAi(client, request);

        assertThat(openAi(client, request)).isEqualTo(first);
        try (Simulator twin = Simulator.start()) {
            assertThat(openAi(new SimClient(twin), request)).isEqualTo(first);
        }
    }

    @Test
    @DisplayName("answers a different prompt with different text")
    void differentPrompt() {
        assertThat(openAi(client, Requests.chat("What should I cook tonight?")))
                .isNotEqualTo(openAi(client, Requests.chat("What should I cook tomorrow?")));
    }

    @Test
    @DisplayName("takes the request's seed over the simulator's, and the simulator's seed changes the text")
    void seeds() {
        ObjectNode request = Requests.chat("Same prompt.");
        String base = openAi(client, request);

        assertThat(openAi(client, request.deepCopy().put("seed", 7))).isNotEqualTo(base);
        assertThat(openAi(client, request.deepCopy().put("seed", 7))).isEqualTo(openAi(client, request.deepCopy().put("seed", 7)));
        assertThat(openAi(client, request.deepCopy().put("seed", 42))).isEqualTo(base);
        try (Simulator other = Simulator.start(SimOptions.defaults().withSeed(43))) {
            assertThat(openAi(new SimClient(other), request)).isNotEqualTo(base);
        }
    }

    @Test
    @DisplayName("does not depend on the model name")
    void modelIndependent() {
        assertThat(openAi(client, Requests.chat("Hi there.").put("model", "a")))
                .isEqualTo(openAi(client, Requests.chat("Hi there.").put("model", "b")));
    }

    @Test
    @DisplayName("says the same in Anthropic's format as in OpenAI's for the same conversation")
    void acrossFormats() {
        String anthropic = SimClient.json(client.post("/v1/messages", Requests.messages("Describe the ocean.")))
                .path("content").get(0).path("text").asText();

        assertThat(anthropic).isEqualTo(openAi(client, Requests.chat("Describe the ocean.")));
    }
}
