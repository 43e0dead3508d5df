package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Connection resets: x-sim-reset-after")
class ConnectionResetTest {
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
    @DisplayName("breaks an OpenAI stream after N content chunks, with no finish chunk and no [DONE]")
    void openAiStream() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("hi"),
                "x-sim-reset-after", "3", "x-sim-tokens", "10");

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.failure()).isInstanceOf(IOException.class);
        assertThat(stream.events()).noneMatch(e -> e.data().equals("[DONE]"));
        List<JsonNode> chunks = stream.jsonEvents();
        assertThat(chunks).hasSize(1 + 3);
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("choices").get(0).path("finish_reason").isNull()).isTrue());
    }

    @Test
    @DisplayName("drops the connection mid-body: no terminating chunk ever reaches the wire")
    void onTheWire() throws IOException {
        RawHttp.Exchange broken = RawHttp.post(sim, "/v1/chat/completions", Requests.streamingChat("hi").toString(),
                "x-sim-reset-after", "2", "x-sim-tokens", "10");
        RawHttp.Exchange whole = RawHttp.post(sim, "/v1/chat/completions", Requests.streamingChat("hi").toString(),
                "x-sim-tokens", "10");

        assertThat(whole.complete()).isTrue();
        assertThat(whole.bytes()).containsIgnoringCase("transfer-encoding: chunked").contains("[DONE]");
        assertThat(broken.complete()).isFalse();
        assertThat(broken.closed()).isTrue();
        assertThat(broken.bytes()).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked")
                .doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop").doesNotEndWith("0\r\n\r\n");
        assertThat(broken.bytes().split("\"content\":\"", -1)).hasSize(1 + 1 + 2); // role chunk's "" and 2 pieces
    }

    @Test
    @DisplayName("with x-sim-reset-after 0 breaks the stream before any content")
    void beforeContent() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("hi"), "x-sim-reset-after", "0");

        assertThat(stream.failure()).isInstanceOf(IOException.class);
        assertThat(stream.jsonEvents()).hasSize(1);
        assertThat(stream.jsonEvents().getFirst().path("choices").get(0).path("delta").path("content").asText()).isEmpty();
    }

    @Test
    @DisplayName("breaks even when N is at least the answer's length: the stream never finishes")
    void pastTheEnd() {
        SimClient.Stream stream = client.stream("/v1/chat/completions", Requests.streamingChat("hi"),
                "x-sim-reset-after", "5", "x-sim-tokens", "5");

        assertThat(stream.failure()).isInstanceOf(IOException.class);
        assertThat(stream.jsonEvents()).hasSize(1 + 5);
    }

    @Test
    @DisplayName("breaks an Anthropic stream after N deltas, with no message_stop")
    void anthropicStream() {
        SimClient.Stream stream = client.stream("/v1/messages", Requests.messages("hi").put("stream", true),
                "x-sim-reset-after", "2", "x-sim-tokens", "10");

        assertThat(stream.failure()).isInstanceOf(IOException.class);
        assertThat(stream.events()).extracting(SimClient.SseEvent::event)
                .containsExactly("message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta");
    }

    @Test
    @DisplayName("closes a non-streaming request's connection without any response")
    void nonStreaming() {
        assertThatThrownBy(() -> client.post("/v1/chat/completions", Requests.chat("hi"), "x-sim-reset-after", "0"))
                .isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> client.post("/v1/messages", Requests.messages("hi"), "x-sim-reset-after", "1"))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    @DisplayName("keeps serving new connections after a reset")
    void serverSurvives() {
        client.stream("/v1/chat/completions", Requests.streamingChat("hi"), "x-sim-reset-after", "1");

        assertThat(client.post("/v1/chat/completions", Requests.chat("hi")).statusCode()).isEqualTo(200);
    }
}
