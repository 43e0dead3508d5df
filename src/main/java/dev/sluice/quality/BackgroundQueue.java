package dev.sluice.quality;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Work handed off the request path (scoring, embedding): a bounded queue and a few platform threads
 * that take from it. A full queue drops the item, counted, so the request that offered it never
 * waits. {@code work} handles its own failures; an item counts as done when it returns or throws.
 */
public final class BackgroundQueue<T> implements AutoCloseable {
    private final BlockingQueue<T> queue;
    private final Consumer<T> work;
    private final AtomicLong dropped = new AtomicLong();
    /** Items offered and not yet done. */
    private final AtomicLong pending = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopped;

    public BackgroundQueue(String name, int capacity, int threads, Consumer<T> work) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.work = work;
        for (int i = 0; i < threads; i++) {
            // platform threads: a worker scores answers (CPU) for as long as items come; on a virtual thread that would hold
            // one of the few carriers the requests run on (dev.sluice.threads.Carriers), here the OS shares the cores
            workers.add(Thread.ofPlatform().daemon(true).name(threads == 1 ? name : name + "-" + i).start(this::run));
        }
    }

    /** Queues an item; false (and a counted drop) when the queue is full. */
    public boolean offer(T item) {
        pending.incrementAndGet();
        if (queue.offer(item)) {
            return true;
        }
        pending.decrementAndGet();
        dropped.incrementAndGet();
        return false;
    }

    /** Items dropped because the threads were behind. */
    public long dropped() {
        return dropped.get();
    }

    /** Waits (up to {@code timeout}) until every queued item is done; for tests and the demo. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return pending.get() == 0;
    }

    private void run() {
        while (!stopped) {
            T item;
            try {
                item = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (item == null) {
                continue;
            }
            try {
                work.accept(item);
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        workers.forEach(Thread::interrupt);
    }
}
