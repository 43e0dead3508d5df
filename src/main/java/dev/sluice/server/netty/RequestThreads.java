package dev.sluice.server.netty;

import dev.sluice.threads.LoopThreads;
import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The virtual threads that run a listener's requests: one executor per event loop, whose threads are
 * scheduled on that loop ({@link LoopThreads}), so a request's stages run on the thread that read it
 * and its upstream answer, which arrives on the same loop ({@code UpstreamHttp} keeps the upstream
 * connection there), resumes it without waking another thread. Stopping the listener interrupts them all.
 */
final class RequestThreads {
    private final ConcurrentHashMap<EventLoop, ExecutorService> byLoop = new ConcurrentHashMap<>();

    /** The executor for requests read by {@code loop}'s connections. */
    ExecutorService on(EventLoop loop) {
        return byLoop.computeIfAbsent(loop, l -> Executors.newThreadPerTaskExecutor(LoopThreads.on(l, "sluice-http-")));
    }

    void close() {
        byLoop.values().forEach(ExecutorService::close);
    }

    void shutdownNow() {
        byLoop.values().forEach(ExecutorService::shutdownNow);
    }
}
