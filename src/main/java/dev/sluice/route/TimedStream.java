package dev.sluice.route;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enforces an attempt's stream timeouts: time to the first content chunk, the idle gap between chunks, and
 * the attempt's total time. When one expires the watchdog closes the upstream stream, and the read fails with
 * a {@link ErrorClass#TIMEOUT}.
 *
 * <p>A blocking read ({@link #next()}) arms a timer for its own wait. A stream forwarded by polls keeps one
 * timer for its whole life instead of one per chunk: polls only record, in primitive fields, when the stream
 * began waiting for its upstream and whether output came; the timer, when it fires, checks the limits against
 * that and re-arms itself for what is left. Arming and cancelling a timer per event (a task, a lambda and a
 * message string per event, each stored into this long-lived object, and a locked heap of thousands of timers)
 * was the cost of every forwarded event of a stream with timeouts.
 */
final class TimedStream implements ChunkStream {
    private static final long RECHECK_MILLIS = 50;
    private final ChunkStream upstream;
    private final Watchdog watchdog;
    private final String provider;
    private final long firstDeadlineNanos;
    private final long idleMillis;
    private final long totalDeadlineNanos;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private volatile boolean sawOutput;
    private volatile String expired;
    /** The timer of a blocking read in progress, or null. */
    private ScheduledFuture<?> timer;
    /** Polls: the stream's one timer while it runs (set by the first poll, then by the timer itself), or null. */
    private volatile ScheduledFuture<?> pollTimer;
    /** Polls: set once the stream ended or was closed; the poll timer then stops re-arming. */
    private volatile boolean stopped;
    /** Polls: {@link System#nanoTime()} (odd) since when polls have found nothing, or 0 while chunks come. */
    private volatile long waitingSince;

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
     * As {@link #next()} without blocking. The limits are the same: the wait for the next chunk counts from the
     * first poll that found nothing after the last chunk (a stream the client is slow to take is not waiting
     * for its upstream), the first-token and total deadlines are absolute.
     */
    @Override
    public ChatChunk poll() {
        if (pollTimer == null && !stopped) {
            startPollTimer();
        }
        ChatChunk chunk;
        try {
            chunk = upstream.poll();
            if (chunk == PENDING) {
                if (waitingSince == 0) {
                    waitingSince = System.nanoTime() | 1;
                }
                return PENDING;
            }
            chunk = seen(chunk);
        } catch (RuntimeException e) {
            stopPollTimer();
            throw failed(e);
        }
        if (chunk == null) {
            stopPollTimer();
        } else if (waitingSince != 0) {
            waitingSince = 0;
        }
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
        long waitMillis = waitMillis(System.nanoTime(), 0);
        timer = waitMillis < 0 ? null : watchdog.arm(waitMillis, this::expire);
    }

    private void disarm() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }

    /** The first poll: the stream's one timer, first due when the nearest limit could expire. */
    private void startPollTimer() {
        long now = System.nanoTime();
        long wait = waitMillis(now, now);
        if (wait >= 0) {
            pollTimer = watchdog.arm(wait, this::checkPolled);
        } else {
            stopped = true; // no limits: no timer
        }
    }

    /** On the watchdog: expires the stream if a limit has passed while it waited, else re-arms for what is left. */
    private void checkPolled() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long since = waitingSince;
        long wait = waitMillis(now, since);
        if (wait == 0 && since != 0) {
            expire();
            return;
        }
        // not waiting for the upstream (a chunk is being handled, or the client is slow to take them), or waiting
        // less than a limit allows: look again when one could next pass. A deadline that passed while the stream
        // was not waiting is acted on at a look once it waits again (every 50 ms until then).
        long next = wait > 0 ? wait : RECHECK_MILLIS;
        if (!stopped) {
            pollTimer = watchdog.arm(next, this::checkPolled);
        }
    }

    private void stopPollTimer() {
        stopped = true;
        ScheduledFuture<?> t = pollTimer;
        if (t != null) {
            pollTimer = null;
            t.cancel(false);
        }
    }

    private void expire() {
        timedOut.set(true);
        upstream.close();
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

    /**
     * The wait allowed from {@code now} for the next chunk, or -1 for no limit; records which limit applies.
     * {@code waitingSince}: when the wait began (the idle limit counts from then), or 0 for now.
     */
    private long waitMillis(long now, long waitingSince) {
        long wait = -1;
        String limit = null;
        if (!sawOutput && firstDeadlineNanos != 0) {
            wait = millisUntil(firstDeadlineNanos, now);
            limit = "no first token within the time-to-first-token timeout";
        } else if (idleMillis > 0) {
            wait = waitingSince == 0 ? idleMillis : millisUntil(waitingSince + idleMillis * 1_000_000, now);
            limit = "idle";
        }
        if (totalDeadlineNanos != 0) {
            long total = millisUntil(totalDeadlineNanos, now);
            if (wait < 0 || total < wait) {
                wait = total;
                limit = "the attempt's total timeout passed";
            }
        }
        if (limit != null && limit != expired) {
            expired = limit; // a constant: stored when the limit that applies changes, not per wait
        }
        return wait;
    }

    private static long millisUntil(long deadlineNanos, long now) {
        return Math.max(0, (deadlineNanos - now) / 1_000_000);
    }

    private UpstreamException timeout(Exception cause) {
        String limit = expired;
        String what = "idle".equals(limit) ? "no chunk for " + idleMillis + " ms (idle timeout)" : limit;
        return new UpstreamException(provider, ErrorClass.TIMEOUT, 0,
                "The upstream provider '" + provider + "' was too slow: " + what + ".", null, cause);
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
        disarm();
        stopPollTimer(); // a stream forwarded by polls can end (its client gone) while its timer is armed
    }
}
