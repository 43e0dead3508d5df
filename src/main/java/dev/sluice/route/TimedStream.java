package dev.sluice.route;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enforces an attempt's stream timeouts around each blocking read: time to the first content
 * chunk, the idle gap between chunks, and the attempt's total time. When one expires the watchdog
 * closes the upstream stream, and the read fails with a {@link ErrorClass#TIMEOUT}.
 */
final class TimedStream implements ChunkStream {
    private final ChunkStream upstream;
    private final Watchdog watchdog;
    private final String provider;
    private final long firstDeadlineNanos;
    private final long idleMillis;
    private final long totalDeadlineNanos;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private boolean sawOutput;
    private String expired;
    /** The timer of the read in progress (a blocking one, or polls waiting for the next chunk), or null. */
    private ScheduledFuture<?> timer;

    /**
     * @param firstDeadlineNanos System.nanoTime() by which the first content must arrive, or 0
     * @param idleMillis         longest gap between chunks after that, or 0
     * @param totalDeadlineNanos System.nanoTime() by which the stream must end, or 0
     */
    TimedStream(ChunkStream upstream, Watchdog watchdog, String provider, long firstDeadlineNanos, long idleMillis,
                long totalDeadlineNanos) {
        this.upstream = upstream;
        this.watchdog = watchdog;
        this.provider = provider;
        this.firstDeadlineNanos = firstDeadlineNanos;
        this.idleMillis = idleMillis;
        this.totalDeadlineNanos = totalDeadlineNanos;
    }

    @Override
    public ChatChunk next() {
        arm();
        try {
            return seen(upstream.next());
        } catch (RuntimeException e) {
            throw failed(e);
        } finally {
            disarm();
        }
    }

    /**
     * As {@link #next()} without blocking: the timer is armed by the first poll that waits (finds nothing)
     * and stays armed across polls until a chunk or the end arrives, so the limits are the same.
     */
    @Override
    public ChatChunk poll() {
        if (timer == null) {
            arm();
        }
        ChatChunk chunk;
        try {
            chunk = upstream.poll();
            if (chunk == PENDING) {
                return PENDING;
            }
            chunk = seen(chunk);
        } catch (RuntimeException e) {
            disarm();
            throw failed(e);
        }
        disarm();
        return chunk;
    }

    @Override
    public boolean pollable() {
        return upstream.pollable();
    }

    @Override
    public void onReady(Runnable ready) {
        upstream.onReady(ready); // an expired timer closes the upstream, which tells it too
    }

    private void arm() {
        long waitMillis = waitMillis();
        timer = waitMillis < 0 ? null : watchdog.arm(waitMillis, () -> {
            timedOut.set(true);
            upstream.close();
        });
    }

    private void disarm() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }

    /** A chunk (or the end) that arrived: a timeout that fired meanwhile wins. */
    private ChatChunk seen(ChatChunk chunk) {
        if (timedOut.get()) {
            throw timeout(null);
        }
        if (chunk != null && !sawOutput && (chunk.hasContent() || chunk.hasFinish())) {
            sawOutput = true;
        }
        return chunk;
    }

    /** A failed read: a timeout when the timer fired (it closed the upstream, which failed the read). */
    private RuntimeException failed(RuntimeException e) {
        return timedOut.get() ? timeout(e) : e;
    }

    /** The wait allowed for the next chunk, or -1 for no limit; records which limit applies. */
    private long waitMillis() {
        long now = System.nanoTime();
        long wait = -1;
        if (!sawOutput && firstDeadlineNanos != 0) {
            wait = millisUntil(firstDeadlineNanos, now);
            expired = "no first token within the time-to-first-token timeout";
        } else if (idleMillis > 0) {
            wait = idleMillis;
            expired = "no chunk for " + idleMillis + " ms (idle timeout)";
        }
        if (totalDeadlineNanos != 0) {
            long total = millisUntil(totalDeadlineNanos, now);
            if (wait < 0 || total < wait) {
                wait = total;
                expired = "the attempt's total timeout passed";
            }
        }
        return wait;
    }

    private static long millisUntil(long deadlineNanos, long now) {
        return Math.max(0, (deadlineNanos - now) / 1_000_000);
    }

    private UpstreamException timeout(Exception cause) {
        return new UpstreamException(provider, ErrorClass.TIMEOUT, 0,
                "The upstream provider '" + provider + "' was too slow: " + expired + ".", null, cause);
    }

    @Override
    public byte[] wire() {
        return upstream.wire();
    }

    @Override
    public int wireLength() {
        return upstream.wireLength();
    }

    @Override
    public void close() {
        upstream.close();
        disarm(); // a stream forwarded by polls can end (its client gone) while a poll's timer is armed
    }
}
