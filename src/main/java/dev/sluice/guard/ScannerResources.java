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

    /**
     * Where this thread reports time spent loading shared resources (models, the embedder). A request's scan budget
     * does not count it: a model loads once, on the first request that needs it, and that request should not be
     * refused for it. A scan on a thread of its own ({@link ParallelScan}) reports to its request's clock
     * ({@link #reportLoadingTo}), so the request's thread, waiting for it with the same deadline, sees that loading
     * too, a load under way included.
     */
    private static final ThreadLocal<LoadingClock> LOADING = ThreadLocal.withInitial(LoadingClock::new);

    /** The clock this thread's loading goes to. */
    static LoadingClock loadingClock() {
        return LOADING.get();
    }

    /** From now on this thread's loading goes to {@code clock} (a scan's thread: its request's clock). */
    static void reportLoadingTo(LoadingClock clock) {
        LOADING.set(clock);
    }

    /** Time spent loading shared resources, readable from any thread; overlapping and nested loads count once. */
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
        LoadingClock clock = LOADING.get();
        clock.start();
        try {
            return load.get();
        } finally {
            clock.stop();
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
