package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The simulator serves Azure OpenAI's deployment paths with the OpenAI handlers")
class AzureApiTest {
    private static final String CHAT = "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21";
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
    @DisplayName("a chat completion on a deployment answers like OpenAI, naming the deployment as the model when the body does not")
    void chat() {
        ObjectNode body = Requests.chat("Tell me about forests.");
        body.remove("model");

        HttpResponse<String> response = client.post(CHAT, body, "api-key", "azure-key");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = SimClient.json(response);
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("model").asText()).isEqualTo("gpt4o-prod");
        String openAi = SimClient.json(client.post("/v1/chat/completions", Requests.chat("Tell me about forests.")))
                .path("choices").get(0).path("message").path("content").asText();
        assertThat(completion.path("choices").get(0).path("message").path("content").asText()).isEqualTo(openAi);

        RecordedRequest recorded = sim.recorded().get(sim.recorded().size() - 2);
        assertThat(recorded.path()).isEqualTo("/openai/deployments/gpt4o-prod/chat/completions");
        assertThat(recorded.query()).isEqualTo("api-version=2024-10-21");
        assertThat(recorded.header("api-key")).isEqualTo("azure-key");
        assertThat(recorded.body().has("model")).as("the recorded body is what was sent").isFalse();
    }

    @Test
    @DisplayName("without api-version Azure answers 404 Resource not found")
    void apiVersionRequired() {
        HttpResponse<String> response = client.post("/openai/deployments/gpt4o-prod/chat/completions",
                Requests.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(response).path("error").path("message").asText()).isEqualTo("Resource not found");
    }

    @Test
    @DisplayName("streams and embeddings work on deployment paths, and faults apply (a 429 with retry-after)")
    void streamEmbeddingsFaults() {
        SimClient.Stream stream = client.stream(CHAT, Requests.streamingChat("hi"));
        assertThat(stream.events().getLast().data()).isEqualTo("[DONE]");

        ObjectNode embed = Json.object().put("input", "hello").put("dimensions", 4);
        JsonNode embeddings = SimClient.json(client.post(
                "/openai/deployments/embed-small/embeddings?api-version=2024-10-21", embed));
        assertThat(embeddings.path("data").get(0).path("embedding")).hasSize(4);
        assertThat(embeddings.path("model").asText()).isEqualTo("embed-small");

        HttpResponse<String> limited = client.post(CHAT, Requests.chat("hi"), "x-sim-error-status", "429",
                "x-sim-retry-after", "2");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("2");
    }
}
