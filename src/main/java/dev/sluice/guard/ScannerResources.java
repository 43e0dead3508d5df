package dev.sluice.guard;

import dev.sluice.embed.Embedder;
import dev.sluice.guard.judge.JudgeClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What scanner factories build from: the shared embedder and the judge's client, and heavy
 * parts shared by every rule that asks for the same key (a word list, an ONNX model, the
 * injection classifier), closed with the guardrails when they can be.
 */
public final class ScannerResources implements AutoCloseable {
    private final Supplier<Embedder> embedder;
    private final JudgeClient judge;
    private final Map<Object, Object> shared = new LinkedHashMap<>();

    ScannerResources(Supplier<Embedder> embedder, JudgeClient judge) {
        this.embedder = () -> loading(embedder);
        this.judge = judge;
    }

    /**
     * Resources for building scanners outside a gateway (the {@code sluice guard} tools), so they measure the
     * scanners exactly as a policy builds them; no LLM judge.
     */
    public static ScannerResources standalone(Supplier<Embedder> embedder) {
        return new ScannerResources(embedder, null);
    }

    /** The in-process sentence embedder, created on first use. */
    public Supplier<Embedder> embedder() {
        return embedder;
    }

    /** Runs the judge's sub-requests through the gateway's router. */
    public JudgeClient judge() {
        return judge;
    }

    /** The one instance for {@code key}, created now if this is the first rule to ask. */
    public synchronized <T> T shared(Object key, Class<T> type, Supplier<T> create) {
        return type.cast(shared.computeIfAbsent(key, k -> create.get()));
    }

    /**
     * The one instance for {@code key}, created when a scan first needs it (a model nobody's text
     * reaches is never loaded).
     */
    @SuppressWarnings("unchecked")
    public <T> Supplier<T> lazy(Object key, Supplier<T> create) {
        return shared(key, Lazy.class, () -> new Lazy<>(create));
    }

    @Override
    public synchronized void close() {
        for (Object o : shared.values()) {
            if ((o instanceof Lazy<?> lazy ? lazy.createdOrNull() : o) instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // shutting down
                }
            }
        }
        shared.clear();
    }

    private static final ThreadLocal<long[]> LOADING = ThreadLocal.withInitial(() -> new long[1]);

    /**
     * Nanoseconds this thread has spent loading shared resources (models, the embedder), so far.
     * A request's scan budget does not count them: a model loads once, on the first request that
     * needs it, and that request should not be refused for it.
     */
    static long loadingNanos() {
        return LOADING.get()[0];
    }

    /**
     * Where a scan running on a thread of its own ({@link ParallelScan}) also reports its loading, so the request's
     * thread, which waits for it with the same deadline, moves that deadline out as the scan's thread does (a thread
     * cannot read another's {@link #LOADING}), a load still under way included.
     */
    static final ScopedValue<LoadingClock> LOADING_SEEN = ScopedValue.newInstance();

    /** Time spent loading shared models on one scan's thread, readable from another; nested loads count once. */
    static final class LoadingClock {
        private long done;
        private long since;
        private int depth;

        synchronized void start() {
            if (depth++ == 0) {
                since = System.nanoTime();
            }
        }

        synchronized void stop() {
            if (--depth == 0) {
                done += System.nanoTime() - since;
            }
        }

        /** Nanoseconds spent loading so far, the load under way included. */
        synchronized long nanos() {
            return done + (depth > 0 ? System.nanoTime() - since : 0);
        }
    }

    private static <T> T loading(Supplier<T> load) {
        LoadingClock seen = LOADING_SEEN.isBound() ? LOADING_SEEN.get() : null;
        if (seen != null) {
            seen.start();
        }
        long start = System.nanoTime();
        try {
            return load.get();
        } finally {
            LOADING.get()[0] += System.nanoTime() - start;
            if (seen != null) {
                seen.stop();
            }
        }
    }

    /** Creates its value once, on the first get, whichever thread asks. */
    private static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> create;
        private volatile T value;

        Lazy(Supplier<T> create) {
            this.create = create;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                v = loading(() -> {
                    synchronized (this) {
                        T created = value;
                        if (created == null) {
                            created = create.get();
                            value = created;
                        }
                        return created;
                    }
                });
            }
            return v;
        }

        T createdOrNull() {
            return value;
        }
    }
}
