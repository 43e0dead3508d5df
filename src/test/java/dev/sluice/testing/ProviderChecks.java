package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.SluiceException;
import dev.sluice.provider.Call;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.Provider;
import dev.sluice.provider.UpstreamException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/** Checks every provider adapter must pass, run against a {@link FakeUpstream} over real HTTP. */
public final class ProviderChecks {
    private ProviderChecks() {}

    public static ChatRequest chatRequest(String json) {
        return ChatRequestCodec.read(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code request} through {@code operation}: "chat", or "stream" (opened and closed
     * again), for tests that check both fail alike.
     */
    public static void call(Provider provider, String operation, ChatRequest request, Call call) {
        if (operation.equals("chat")) {
            provider.chat(request, call);
        } else {
            provider.stream(request, call).close();
        }
    }

    /**
     * A request fixture ({@code {"openai": request, "error": {"param", "message_contains"}}}) that
     * a provider's translation must reject with a 400 naming the parameter.
     */
    public static void assertRejected(String name, JsonNode fixture, Consumer<ChatRequest> translate) {
        ChatRequest request = ChatRequestCodec.read(fixture.get("openai"));

        SluiceException e = catchThrowableOfType(SluiceException.class, () -> translate.accept(request));

        assertThat(e).as("a 400 for %s", name).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo(fixture.path("error").path("param").asText());
        assertThat(e.getMessage()).contains(fixture.path("error").path("message_contains").asText());
    }

    /** Every chunk left in the stream, until its end. */
    public static List<ChatChunk> drain(ChunkStream stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (ChatChunk chunk = stream.next(); chunk != null; chunk = stream.next()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /**
     * Chunks reach the caller while the upstream is still writing. The upstream writes the first
     * {@code upToHello} events of a text stream (the last of them carrying "Hello"), then waits
     * until the caller has seen "Hello" before writing the rest (three more chunks for the caller).
     *
     * @param open opens the provider's stream against the given base URL
     */
    public static void assertStreamNotBuffered(List<String> events, int upToHello, Function<String, ChunkStream> open) {
        CountDownLatch callerSawHello = new CountDownLatch(1);
        AtomicBoolean upstreamGaveUp = new AtomicBoolean();
        FakeUpstream.Reply reply = exchange -> {
            try (OutputStream out = FakeUpstream.startSse(exchange)) {
                for (String event : events.subList(0, upToHello)) {
                    FakeUpstream.writeEvent(out, event);
                }
                // the rest is only written once the caller has seen "Hello" (the wait only guards against a hang)
                upstreamGaveUp.set(!callerSawHello.await(20, TimeUnit.SECONDS));
                for (String event : events.subList(upToHello, events.size())) {
                    FakeUpstream.writeEvent(out, event);
                }
            }
        };
        try (FakeUpstream upstream = FakeUpstream.start(reply);
             ChunkStream stream = open.apply(upstream.baseUrl())) {
            assertThat(stream.next().choices().getFirst().delta().role()).isEqualTo("assistant");
            assertThat(stream.next().choices().getFirst().delta().content()).isEqualTo("Hello");
            callerSawHello.countDown();

            assertThat(drain(stream)).hasSize(3);
            assertThat(upstreamGaveUp).as("the upstream had to give up waiting: the provider buffered the stream").isFalse();
        }
    }

    /**
     * A 200 answer that is not JSON is a malformed response.
     *
     * @param chat calls the provider's chat against the given base URL
     */
    public static void assertNotJsonIsMalformed(Consumer<String> chat) {
        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.json(200, "<html>oops</html>"))) {
            UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> chat.accept(upstream.baseUrl()));

            assertThat(e).isNotNull();
            assertThat(e.errorClass()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
        }
    }
}
