package dev.sluice.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OffCarrierTest {

    @Test
    void aVirtualCallersWorkRunsOnAPlatformThread() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<String> value = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> value.set(OffCarrier.get(() -> {
            ranOn.set(Thread.currentThread());
            return "done";
        })));
        caller.join();
        assertEquals("done", value.get());
        assertFalse(ranOn.get().isVirtual(), "ran on " + ranOn.get());
        assertTrue(ranOn.get().getName().startsWith("sluice-native-"), ranOn.get().getName());
    }

    @Test
    void aPlatformCallerRunsItsOwnWork() {
        Thread self = Thread.currentThread();
        assertSame(self, OffCarrier.get(Thread::currentThread));
    }

    @Test
    void theWorksExceptionReachesTheCallerAsThrown() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        IllegalArgumentException original = new IllegalArgumentException("bad column");
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                OffCarrier.get(() -> {
                    throw original;
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.join();
        assertSame(original, thrown.get());
        Thread checked = Thread.ofVirtual().start(() -> thrown.set(assertThrows(java.io.IOException.class,
                () -> OffCarrier.call(() -> {
                    throw new java.io.IOException("disk");
                }))));
        checked.join();
        assertEquals("disk", thrown.get().getMessage());
    }

    /** A native call cannot be cut short: an interrupted caller waits for it to end, then sees its interrupt. */
    @Test
    void anInterruptedCallerWaitsForTheCallAndKeepsItsInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> value = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            value.set(OffCarrier.get(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    return "interrupted";   // the work's own thread is never interrupted by the caller's interrupt
                }
                return "finished";
            }));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        started.await();
        caller.interrupt();
        Thread.sleep(50);   // lets the interrupt reach the waiting caller; the assertions do not depend on it
        release.countDown();
        caller.join();
        assertEquals("finished", value.get());
        assertTrue(interruptedAfter.get());
    }
}
