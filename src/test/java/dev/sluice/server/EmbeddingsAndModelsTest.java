package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Embeddings, models and health")
class EmbeddingsAndModelsTest {
    static TestGateway gw;
    static String key;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createKey("embeddings-test");
        client = gw.openAi(key);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    @DisplayName("embeddings for several inputs come back in order with usage")
    void embeddings() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").inputOfArrayOfStrings(List.of("first text", "second text")).build());
        assertThat(r.data()).hasSize(2);
        assertThat(r.data().get(0).index()).isZero();
        assertThat(r.data().get(1).index()).isEqualTo(1);
        assertThat(r.data().get(0).embedding()).hasSizeGreaterThan(10);
        assertThat(r.data().get(0).embedding()).isNotEqualTo(r.data().get(1).embedding());
        assertThat(r.usage().promptTokens()).isPositive();
    }

    @Test
    @DisplayName("base64 embeddings pass through, and a bad input type is a 400 naming 'input'")
    void embeddingFormats() {
        Http.Response b64 = gw.http().post("/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\",\"encoding_format\":\"base64\"}",
                Map.of("authorization", "Bearer " + key));
        assertThat(b64.status()).isEqualTo(200);
        assertThat(b64.json().path("data").get(0).path("embedding").isTextual()).isTrue();
        Http.Response bad = gw.http().post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":{\"a\":1}}",
                Map.of("authorization", "Bearer " + key));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("param").asText()).isEqualTo("input");
        Http.Response unsupported = gw.http().post("/v1/embeddings", "{\"model\":\"claude-3-5-haiku\",\"input\":\"hi\"}",
                Map.of("authorization", "Bearer " + key));
        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.json().path("error").path("message").asText()).contains("does not serve embeddings");
    }

    @Test
    @DisplayName("/v1/models lists the public model names from config, and needs a key")
    void models() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).containsExactly("gpt-4o-mini", "gpt-4o", "claude-3-5-haiku", "text-embedding-3-small");
        assertThat(gw.http().get("/v1/models", Map.of()).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("/v1/models/{model} answers one served model (the SDKs' models.retrieve), 404 for others, and needs a key")
    void oneModel() {
        Model m = client.models().retrieve("gpt-4o-mini");
        assertThat(m.id()).isEqualTo("gpt-4o-mini");
        assertThat(m.ownedBy()).isEqualTo("sluice");
        Http.Response unknown = gw.http().get("/v1/models/gpt-5-nope", Map.of("authorization", "Bearer " + key));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(unknown.json().path("error").path("param").asText()).isEqualTo("model");
        assertThat(gw.http().get("/v1/models/gpt-4o-mini", Map.of()).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("liveness and readiness answer without a key")
    void health() {
        assertThat(gw.http().get("/health/live", Map.of()).json().path("status").asText()).isEqualTo("live");
        Http.Response ready = gw.http().get("/health/ready", Map.of());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
    }
}
