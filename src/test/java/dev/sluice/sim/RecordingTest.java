package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Request recording")
class RecordingTest {
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

    @BeforeEach
    void clear() {
        sim.clearRecorded();
    }

    @Test
    @DisplayName("records method, path, lower-case headers, parsed body and arrival times, oldest first")
    void recordsRequests() {
        long before = System.currentTimeMillis();
        long beforeNanos = System.nanoTime();
        client.post("/v1/chat/completions", Requests.chat("first"), "X-Custom-Header", "Value-1");
        client.post("/v1/messages", Requests.messages("second"));

        List<RecordedRequest> recorded = sim.recorded();

        assertThat(recorded).hasSize(2);
        RecordedRequest first = recorded.get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo("/v1/chat/completions");
        assertThat(first.headers()).containsEntry("x-custom-header", "Value-1").containsKey("content-type");
        assertThat(first.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
        assertThat(first.header("X-CUSTOM-HEADER")).isEqualTo("Value-1");
        assertThat(first.body().path("messages").get(0).path("content").asText()).isEqualTo("first");
        assertThat(first.receivedAtMillis()).isGreaterThanOrEqualTo(before);
        assertThat(first.receivedAtNanos()).isGreaterThanOrEqualTo(beforeNanos);
        assertThat(recorded.get(1).path()).isEqualTo("/v1/messages");
        assertThat(recorded.get(1).receivedAtNanos()).isGreaterThan(first.receivedAtNanos());
    }

    @Test
    @DisplayName("records failed and unknown requests too, with a null body when it is not JSON")
    void recordsEverything() {
        client.post("/v1/chat/completions", "not json");
        client.post("/v1/chat/completions", Requests.chat("x"), "x-sim-error-status", "500");
        client.get("/v1/unknown");

        List<RecordedRequest> recorded = sim.recorded();

        assertThat(recorded).extracting(RecordedRequest::path)
                .containsExactly("/v1/chat/completions", "/v1/chat/completions", "/v1/unknown");
        assertThat(recorded.getFirst().body()).isNull();
        assertThat(recorded.get(2).method()).isEqualTo("GET");
    }

    @Test
    @DisplayName("serves the recording as JSON on GET /sim/requests and forgets it on DELETE, without recording itself")
    void overHttp() {
        client.post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"hello\"}", "x-api-key", "k1");

        HttpResponse<String> listed = client.get("/sim/requests");

        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode array = SimClient.json(listed);
        assertThat(array).hasSize(1);
        JsonNode entry = array.get(0);
        assertThat(entry.path("method").asText()).isEqualTo("POST");
        assertThat(entry.path("path").asText()).isEqualTo("/v1/embeddings");
        assertThat(entry.path("headers").path("x-api-key").asText()).isEqualTo("k1");
        assertThat(entry.path("body").path("input").asText()).isEqualTo("hello");
        assertThat(entry.path("received_at_millis").asLong()).isPositive();

        assertThat(client.delete("/sim/requests").statusCode()).isEqualTo(204);
        assertThat(sim.recorded()).isEmpty();
        assertThat(SimClient.json(client.get("/sim/requests"))).isEmpty();
    }

    @Test
    @DisplayName("records every one of many concurrent requests")
    void concurrent() throws Exception {
        List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 64; i++) {
                String text = "request " + i;
                statuses.add(pool.submit(() -> client.post("/v1/chat/completions", Requests.chat(text)).statusCode()));
            }
        }

        for (var status : statuses) {
            assertThat(status.get()).isEqualTo(200);
        }
        assertThat(sim.recorded()).hasSize(64)
                .extracting(r -> r.body().path("messages").get(0).path("content").asText()).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("keeps only the newest recordLimit requests, and none with a limit of 0")
    void limit() {
        try (Simulator small = Simulator.start(SimOptions.defaults().withRecordLimit(2))) {
            SimClient c = new SimClient(small);
            for (String text : new String[] {"one", "two", "three"}) {
                c.post("/v1/chat/completions", Requests.chat(text));
            }
            assertThat(small.recorded()).extracting(r -> r.body().path("messages").get(0).path("content").asText())
                    .containsExactly("two", "three");
        }
        try (Simulator none = Simulator.start(SimOptions.defaults().withRecordLimit(0))) {
            new SimClient(none).post("/v1/chat/completions", Requests.chat("x"));
            assertThat(none.recorded()).isEmpty();
        }
    }
}
