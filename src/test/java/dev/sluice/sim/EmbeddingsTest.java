package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI embeddings")
class EmbeddingsTest {
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

    private static ObjectNode request(String... inputs) {
        ObjectNode body = Json.object().put("model", "text-embedding-3-small");
        if (inputs.length == 1) {
            body.put("input", inputs[0]);
        } else {
            var array = body.putArray("input");
            for (String input : inputs) {
                array.add(input);
            }
        }
        return body;
    }

    private static double[] vector(JsonNode embedding) {
        double[] v = new double[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = embedding.get(i).asDouble();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Test
    @DisplayName("returns one unit-length vector of 384 floats per input by default, with usage")
    void defaults() {
        JsonNode body = SimClient.json(client.post("/v1/embeddings", request("the quick brown fox", "lazy dog")));

        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(body.path("data")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode item = body.path("data").get(i);
            assertThat(item.path("object").asText()).isEqualTo("embedding");
            assertThat(item.path("index").asInt()).isEqualTo(i);
            double[] v = vector(item.path("embedding"));
            assertThat(v).hasSize(SimOptions.DEFAULT_EMBEDDING_DIMENSIONS);
            assertThat(dot(v, v)).isCloseTo(1.0, within(1e-4));
        }
        int tokens = TokenCounter.count("the quick brown fox") + TokenCounter.count("lazy dog");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(tokens);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(tokens);
    }

    @Test
    @DisplayName("honours dimensions")
    void dimensions() {
        JsonNode body = SimClient.json(client.post("/v1/embeddings", request("hello").put("dimensions", 1536)));

        assertThat(body.path("data").get(0).path("embedding")).hasSize(1536);
    }

    @Test
    @DisplayName("gives equal texts equal vectors and different texts nearly orthogonal ones")
    void deterministic() {
        JsonNode body = SimClient.json(client.post("/v1/embeddings", request("alpha", "alpha", "beta")));

        double[] a = vector(body.path("data").get(0).path("embedding"));
        double[] again = vector(body.path("data").get(1).path("embedding"));
        double[] b = vector(body.path("data").get(2).path("embedding"));
        assertThat(again).containsExactly(a);
        assertThat(Math.abs(dot(a, b))).isLessThan(0.3);
    }

    @Test
    @DisplayName("encodes base64 as little-endian float32s of the same vector")
    void base64() {
        double[] floats = vector(SimClient.json(client.post("/v1/embeddings", request("gamma")))
                .path("data").get(0).path("embedding"));

        String encoded = SimClient.json(client.post("/v1/embeddings", request("gamma").put("encoding_format", "base64")))
                .path("data").get(0).path("embedding").asText();

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(floats.length * 4);
        for (double f : floats) {
            assertThat((double) bytes.getFloat()).isCloseTo(f, within(1e-6));
        }
    }

    @Test
    @DisplayName("embeds token-id inputs and counts their tokens")
    void tokenIds() {
        ObjectNode body = Json.object().put("model", "text-embedding-3-small");
        body.putArray("input").add(1).add(2).add(3);

        JsonNode response = SimClient.json(client.post("/v1/embeddings", body));

        assertThat(response.path("data")).hasSize(1);
        assertThat(response.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
    }

    @Test
    @DisplayName("rejects a request without input")
    void missingInput() {
        var response = client.post("/v1/embeddings", "{\"model\":\"m\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(response).path("error").path("param").asText()).isEqualTo("input");
    }
}
