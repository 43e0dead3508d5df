package dev.sluice.threads;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a native call (SQLite's JDBC driver, ONNX Runtime), or a long stretch of CPU work (a config reload), on a
 * platform thread when the caller is a virtual thread. A virtual thread inside a JNI call cannot unmount: it holds its carrier for the
 * whole call — SQLite's busy handler sleeping for the writer's lock, a long analytics query, a model's
 * inference — and the JDK adds no carrier to make up for it. With few carriers (the launcher runs
 * one: bench/README.md, "Session 11: one carrier") that would stall every request, so such calls
 * wait here instead: the virtual thread parks, its carrier serves other requests.
 *
 * <p>The pool grows on demand up to {@link #MAX_THREADS} and its idle threads end after 30 s, so an
 * idle gateway keeps none. Past that many calls at once the caller runs its own call (pinned, as
 * before this class existed) rather than queueing without bound. A platform-thread caller runs the
 * work directly: nothing to gain by moving it.
 */
public final class OffCarrier {
    /** At most this many native calls run here at once; each is a blocked or CPU-busy thread. */
    static final int MAX_THREADS = 64;

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemonThreads(), new ThreadPoolExecutor.AbortPolicy());

    private OffCarrier() {
    }

    /** The work's value, computed on a platform thread when the caller is virtual. */
    public static <T> T call(Callable<T> work) throws Exception {
        if (!Thread.currentThread().isVirtual()) {
            return work.call();
        }
        Future<T> future;
        try {
            future = POOL.submit(work);
        } catch (java.util.concurrent.RejectedExecutionException full) {
            return work.call();
        }
        return await(future);
    }

    /** As {@link #call}, for work that throws only unchecked exceptions. */
    public static <T> T get(java.util.function.Supplier<T> work) {
        try {
            return call(work::get);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);   // unreachable: a Supplier throws no checked exception
        }
    }

    /**
     * Waits for the call to end, even when interrupted (a native call cannot be interrupted either:
     * returning early would leave it running with nobody to close what it opened), then restores the
     * interrupt; the call's own exception is rethrown as it was.
     */
    private static <T> T await(Future<T> future) throws Exception {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception ex) {
                        throw ex;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        return Thread.ofPlatform().name("sluice-native-", 0).daemon(true).factory();
    }
}
