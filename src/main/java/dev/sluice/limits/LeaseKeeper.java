package dev.sluice.limits;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The concurrency slots this node holds in the shared store, renewed while their requests run.
 * A slot is a lease with a short lifetime: a node that dies (kill -9, lost host) stops renewing,
 * and its slots come back to the other nodes within one lease period instead of staying taken.
 *
 * <p>The renewing thread runs only while leases are held: it starts with the first and ends
 * when none is left, so a limiter needs no explicit shutdown (a drained gateway holds none).
 */
final class LeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    /** A lease held in one concurrency bucket. */
    record Lease(String bucketKey, String leaseId) {}

    private final Map<String, List<Lease>> held = new ConcurrentHashMap<>();
    private final Duration interval;
    private final Consumer<List<Lease>> renew;
    private final ReentrantLock lock = new ReentrantLock();
    private Thread renewer; // guarded by lock
    private volatile boolean closed;
    private volatile long lastWarning;

    /**
     * @param interval how often held leases are renewed (a fraction of their lifetime)
     * @param renew    extends the given leases in the store; may throw when the store is down
     */
    LeaseKeeper(Duration interval, Consumer<List<Lease>> renew) {
        this.interval = interval;
        this.renew = renew;
    }

    /** A request took its slots: keep them alive until {@link #release}. */
    void hold(String leaseId, List<Lease> leases) {
        if (leases.isEmpty() || closed) {
            return;
        }
        held.put(leaseId, leases);
        lock.lock();
        try {
            if (renewer == null) {
                // started by a request, whose thread may run on an event loop: this one lives on, so the JDK's scheduler
                renewer = dev.sluice.threads.LoopThreads.background().name("sluice-lease-renewal").start(this::run);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The request settled (or gave up): stop renewing its slots. */
    void release(String leaseId) {
        held.remove(leaseId);
    }

    /** Leases currently renewed, for tests. */
    int held() {
        return held.size();
    }

    /** Stops renewing; leases still held then expire on their own. */
    void close() {
        closed = true;
        lock.lock();
        try {
            if (renewer != null) {
                renewer.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                stopped();
                return;
            }
            lock.lock();
            try {
                // decided under the lock, so a hold() racing with this exit starts a new renewer
                if (held.isEmpty() || closed) {
                    renewer = null;
                    return;
                }
            } finally {
                lock.unlock();
            }
            List<Lease> all = held.values().stream().flatMap(List::stream).toList();
            try {
                renew.accept(all);
            } catch (RuntimeException e) {
                long now = System.currentTimeMillis();
                if (now - lastWarning > 30_000) {
                    lastWarning = now;
                    LOG.warn("could not renew {} concurrency lease(s) in Redis ({}); they expire unless a later renewal succeeds",
                            all.size(), e.getMessage());
                }
            }
        }
    }

    private void stopped() {
        lock.lock();
        try {
            renewer = null;
        } finally {
            lock.unlock();
        }
    }
}
