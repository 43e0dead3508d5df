package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SQLite calls from virtual threads do not hold their carriers (the launcher runs one carrier)")
class NativeCallsOffCarrierTest {

    @Test
    void workOfAVirtualCallerRunsOnAPlatformThread() throws Exception {
        Path dir = Files.createTempDirectory("sluice-offcarrier");
        try (Database db = Database.openSqlite(dir.resolve("s.db"))) {
            AtomicReference<Boolean> sharedVirtual = new AtomicReference<>();
            AtomicReference<Boolean> readerVirtual = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                db.withConnection(c -> {
                    sharedVirtual.set(Thread.currentThread().isVirtual());
                    return null;
                });
                db.read(c -> {
                    readerVirtual.set(Thread.currentThread().isVirtual());
                    return null;
                });
            });
            t.join();
            assertThat(sharedVirtual.get()).isFalse();
            assertThat(readerVirtual.get()).isFalse();
        }
    }

    /**
     * As many virtual threads as there are carriers each wait inside SQLite for the write lock another
     * connection holds (the driver's busy handler sleeps in native code, where a virtual thread cannot
     * unmount). A new virtual thread must still run while they wait; the lock is held until it has run
     * (at most 4 s, under the 5 s busy timeout, so the waiting inserts succeed either way).
     */
    @Test
    void insertsWaitingForTheWriteLockLeaveTheCarriersFree() throws Exception {
        Path dir = Files.createTempDirectory("sluice-offcarrier");
        Path file = dir.resolve("s.db");
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        List<Database> dbs = new ArrayList<>();
        try {
            for (int i = 0; i < carriers; i++) {
                dbs.add(Database.openSqlite(file));
            }
            dbs.getFirst().withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)");
                }
                return null;
            });
            CountDownLatch otherRan = new CountDownLatch(1);
            AtomicBoolean ranWhileLocked = new AtomicBoolean();
            List<Thread> waiting = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            try (Connection holder = dbs.getFirst().connect(); Statement s = holder.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                for (Database db : dbs) {
                    waiting.add(Thread.ofVirtual().start(() -> {
                        try {
                            db.withConnection(c -> {
                                try (Statement i = c.createStatement()) {
                                    return i.executeUpdate("INSERT INTO t (n) VALUES (1)");
                                }
                            });
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                Thread.sleep(200);   // lets the inserts reach SQLite's busy wait (the result holds without it)
                Thread.ofVirtual().start(otherRan::countDown);
                ranWhileLocked.set(otherRan.await(4, TimeUnit.SECONDS));
                s.execute("COMMIT");
            }
            for (Thread t : waiting) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(ranWhileLocked).as("a virtual thread ran while %d inserts waited for the lock", carriers).isTrue();
        } finally {
            for (Database db : dbs) {
                db.close();
            }
        }
    }
}
