package dev.sluice.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The test JVM opens java.lang as the jar's manifest does (pom.xml's argLine), so the scheduler can be chosen. */
class LoopThreadsTest {

    @Test
    void theBuilderIsReachableWithTheManifestsOpens() {
        assertTrue(LoopThreads.available(), "java.lang is not open to the application: request threads would leave"
                + " their event loop (see LoopThreads)");
    }

    /** Every run of the thread — its start and each resumption after a park — goes through the given executor. */
    @Test
    void aThreadRunsOnlyOnItsLoop() throws Exception {
        ExecutorService loopThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
        AtomicInteger runs = new AtomicInteger();
        ConcurrentLinkedQueue<String> carriers = new ConcurrentLinkedQueue<>();
        java.util.concurrent.Executor loop = task -> {
            runs.incrementAndGet();
            loopThread.execute(task);
        };
        Thread t = LoopThreads.on(loop, "t-").newThread(() -> {
            for (int i = 0; i < 3; i++) {
                carriers.add(carrierName());
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            carriers.add(carrierName());
        });
        t.start();
        t.join(10_000);
        assertTrue(t.isVirtual());
        assertEquals(4, carriers.size(), carriers.toString());
        assertTrue(carriers.stream().allMatch("test-loop"::equals), carriers.toString());
        assertTrue(runs.get() >= 4, "start and three resumptions, got " + runs.get());
        loopThread.shutdown();
        assertTrue(loopThread.awaitTermination(5, TimeUnit.SECONDS));
    }

    /** A thread started from a loop's thread inherits its loop (the JDK's rule) unless it asks for the JDK's scheduler. */
    @Test
    void backgroundThreadsLeaveTheLoop() throws Exception {
        ExecutorService loopThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
        AtomicReference<String> inherited = new AtomicReference<>();
        AtomicReference<String> background = new AtomicReference<>();
        Thread t = LoopThreads.on(loopThread, "t-").newThread(() -> {
            try {
                Thread.ofVirtual().start(() -> inherited.set(carrierName())).join();
                LoopThreads.background().start(() -> background.set(carrierName())).join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        t.join(10_000);
        assertEquals("test-loop", inherited.get());
        assertTrue(background.get().startsWith("ForkJoinPool"), background.get());
        loopThread.shutdown();
    }

    /** The carrier's name as the JDK prints it after a virtual thread's own ("VirtualThread[#n,name]/runnable@carrier"). */
    static String carrierName() {
        String s = Thread.currentThread().toString();
        return s.substring(s.indexOf('@') + 1);
    }
}
