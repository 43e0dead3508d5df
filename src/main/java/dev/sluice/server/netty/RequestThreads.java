package dev.sluice.server.netty;

import dev.sluice.threads.LoopThreads;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The virtual threads that run a listener's requests: one executor per event loop, whose threads are
 * scheduled on that loop ({@link LoopThreads}), so a request's stages run on the thread that read it
 * and its upstream answer, which arrives on the same loop ({@code UpstreamHttp} keeps the upstream
 * connection there), resumes it without waking another thread. Stopping the listener interrupts them all.
 *
 * <p>A request with a large body runs on the JDK's own scheduler instead ({@link #shared}): what a request
 * computes between its parks (parsing, guardrail scans, token counts — all growing with the body) holds
 * its thread's scheduler, and on a loop that stalls every other connection the loop serves; a 1 MB prompt
 * through the default guardrails held a loop for ~300 ms, and a small request's p99 on that loop became
 * that (bench/README.md, "Session 18: large requests off the loops"). Its upstream connection stays on
 * the loop; only its stages run on a carrier, with the hand-offs that costs, which is small beside the
 * work a large body brings.
 */
final class RequestThreads {
    /**
     * Bodies larger than this (or of unknown or compressed length) run off the loop; at this size the
     * default pipeline with the default guardrails computes for a few milliseconds.
     */
    static final long LOOP_BODY_LIMIT = Long.getLong("sluice.loop.body_bytes", 16 * 1024);

    private final ConcurrentHashMap<EventLoop, ExecutorService> byLoop = new ConcurrentHashMap<>();
    private final ExecutorService shared = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sluice-http-large-", 0).factory());

    /** The executor for requests read by {@code loop}'s connections. */
    ExecutorService on(EventLoop loop) {
        return byLoop.computeIfAbsent(loop, l -> Executors.newThreadPerTaskExecutor(LoopThreads.on(l, "sluice-http-")));
    }

    /** The executor for requests too large to compute on their loop (see {@link #offLoop}). */
    ExecutorService shared() {
        return shared;
    }

    /**
     * Whether the request's body may take long to compute on: longer than {@link #LOOP_BODY_LIMIT}, of a length the
     * head does not give (chunked), or compressed (its decompressed size is unknown until it is read).
     */
    static boolean offLoop(HttpRequest req, boolean compressed) {
        if (compressed) {
            return true;
        }
        long length = HttpUtil.getContentLength(req, -1L);
        return length > LOOP_BODY_LIMIT || (length < 0 && HttpUtil.isTransferEncodingChunked(req));
    }

    void close() {
        byLoop.values().forEach(ExecutorService::close);
        shared.close();
    }

    void shutdownNow() {
        byLoop.values().forEach(ExecutorService::shutdownNow);
        shared.shutdownNow();
    }
}
