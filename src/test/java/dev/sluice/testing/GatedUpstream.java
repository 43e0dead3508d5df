package dev.sluice.testing;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenAI-compatible upstream with a gate, for counting what limits admit while requests are
 * still in flight: after {@link #shut(int)} every arriving request counts down the returned latch
 * and waits until {@link #open()}; the test counts its own refusals on the same latch, so once the
 * latch reaches zero every request is decided, with no timing involved. Answers carry exactly
 * {@code outputTokens} completion tokens (and 8 prompt tokens).
 */
public final class GatedUpstream implements AutoCloseable {
    private final int outputTokens;
    private final AtomicReference<CountDownLatch> decided = new AtomicReference<>(new CountDownLatch(0));
    private final AtomicReference<CountDownLatch> released = new AtomicReference<>(new CountDownLatch(0));
    private final AtomicInteger arrived = new AtomicInteger();
    private final FakeUpstream upstream;

    private GatedUpstream(int outputTokens) {
        this.outputTokens = outputTokens;
        this.upstream = FakeUpstream.start(this::answer);
    }

    public static GatedUpstream start(int outputTokens) {
        return new GatedUpstream(outputTokens);
    }

    public String baseUrl() {
        return upstream.baseUrl();
    }

    /** Shuts the gate for a burst of {@code requests}; returns the latch arrivals count down. */
    public CountDownLatch shut(int requests) {
        arrived.set(0);
        released.set(new CountDownLatch(1));
        CountDownLatch latch = new CountDownLatch(requests);
        decided.set(latch);
        return latch;
    }

    /** Requests that reached the upstream since the gate was last shut. */
    public int arrived() {
        return arrived.get();
    }

    /** Lets every waiting request (and every later one) through. */
    public void open() {
        released.get().countDown();
    }

    /** Errors thrown while answering, for tests to assert none. */
    public List<Throwable> failures() {
        return upstream.failures();
    }

    private void answer(HttpExchange exchange) throws Exception {
        arrived.incrementAndGet();
        decided.get().countDown();
        if (!released.get().await(90, TimeUnit.SECONDS)) {
            throw new AssertionError("the gate was never opened");
        }
        byte[] body = """
                {"id": "chatcmpl-gate", "object": "chat.completion", "created": 1, "model": "gated-model",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "length"}],
                 "usage": {"prompt_tokens": 8, "completion_tokens": %d, "total_tokens": %d}}"""
                .formatted(outputTokens, outputTokens + 8).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        open();
        upstream.close();
    }
}
