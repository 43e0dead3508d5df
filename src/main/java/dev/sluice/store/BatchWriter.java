package dev.sluice.store;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.sluice.api.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to the store in batches on its own thread, so a request never waits for the
 * disk or the database. Nothing is lost quietly:
 * <ul>
 *   <li>{@link #offer} never blocks; records wait in a bounded memory queue;</li>
 *   <li>while the store fails (slow, locked, down), the writer moves records to a spill file
 *       (JSON lines) instead of letting the queue fill, and retries the store with backoff;</li>
 *   <li>when the store answers again, the spill file is replayed first, then deleted;</li>
 *   <li>on close, everything queued is written, or spilled when the store is down, and a spill
 *       file left from a previous run is replayed at the next start;</li>
 *   <li>only if memory and disk both cannot keep up is a record dropped: counted, and logged.</li>
 * </ul>
 * An erasure ({@link #purge}) removes an end user's records from the queue, the batch in hand and
 * the spill file, on the writer's own thread, so none of them is written after it.
 * What a {@code kill -9} (or a crash) can lose is what sits in memory: records queued or in the
 * batch being written, at most those of the last {@code flushInterval} (plus one commit) at a
 * steady load. A batch is spilled with an {@code fsync}, and a spill file is rewritten to a
 * synced temporary file and moved atomically, so what reached the spill file survives even a power
 * cut; replaying a spill file twice (a crash between its replay and its rewrite) writes nothing
 * twice, as every sink skips records already stored. A run that ended without {@link #close}
 * is reported (a warning) at the next start.
 * <p>A spill line that cannot be read back (a torn write, a disk error, a record type that changed
 * between versions) is <em>quarantined</em>: appended, as it was, to {@code <name>.spill.bad} next to
 * the spill file, counted ({@link #quarantined()}, metric {@code sluice.store.quarantined}) and
 * logged (the first, then at most once a minute); the replay goes on with the next line, so one
 * broken line neither blocks the records behind it nor is dropped unseen. Bytes that are not UTF-8
 * are read as U+FFFD. Erasure covers the quarantine file too (lines naming the end user).
 *
 * @param <T> a record type Jackson can write and read back (for the spill file)
 */
public final class BatchWriter<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final int BATCH = 512;

    /** Inserts a batch on a connection the writer owns; the writer commits or rolls back. */
    @FunctionalInterface
    public interface Sink<T> {
        void insert(Connection connection, List<T> batch) throws SQLException;
    }

    /**
     * Where batches go: the store (the default, {@link StoreTarget}) or a durable buffer in front
     * of it. A batch written without an exception is durable there.
     */
    public interface Target<T> {
        void write(List<T> batch) throws Exception;

        /** A quick check from another thread, while writes fail, that the target answers again. */
        boolean reachable();

        /** Drops what a failed write may have left half-open (a connection); the next write starts afresh. */
        default void reset() {}

        /**
         * The store part of this target when its batches can share a transaction with other writers' (a
         * {@link Group}): a {@link StoreTarget}, possibly wrapped; null for anything else (a durable buffer).
         */
        default StoreTarget<T> storePart() {
            return null;
        }

        /** Told, after a transaction shared with other writers committed, which of this writer's records it held. */
        default void committed(List<T> batch) {}
    }

    /**
     * A connection to the store that one writer thread keeps, and the transaction it runs batches in. Several
     * {@link StoreTarget}s may share one when a single thread drives them (a {@link Group}): their batches then
     * commit together.
     */
    public static final class StoreConnection {
        private final Database database;
        private Connection connection;

        public StoreConnection(Database database) {
            this.database = database;
        }

        Database database() {
            return database;
        }

        /** What runs inside the transaction. */
        @FunctionalInterface
        interface Body {
            void run(Connection c) throws SQLException;
        }

        /**
         * One transaction. On SQLite it begins {@code IMMEDIATE}: the writer takes the write lock
         * when its transaction starts, waiting for the other writer (request log, spans, bodies share the
         * file) up to the busy timeout. In SQLite's default deferred transaction a batch that reads first (the
         * erasure tombstones) and then inserts fails at once with {@code SQLITE_BUSY}/{@code SQLITE_BUSY_SNAPSHOT}
         * when another writer committed in between (SQLite refuses to upgrade such a reader rather than wait),
         * so under load the writers kept failing each other's batches into the spill file. The transaction is
         * begun by hand, not with {@code setAutoCommit(false)}: the driver begins the next transaction right
         * after each commit, which with {@code IMMEDIATE} would hold the write lock while the writer idles.
         */
        void inTransaction(Body body) throws SQLException {
            boolean sqlite = database.dialect() == Database.Dialect.SQLITE;
            if (connection == null) {
                connection = database.connect();
                connection.setAutoCommit(sqlite);
            }
            boolean begun = false;
            try {
                if (sqlite) {
                    try (java.sql.Statement s = connection.createStatement()) {
                        s.execute("BEGIN IMMEDIATE");
                    }
                    begun = true;
                }
                body.run(connection);
                if (sqlite) {
                    try (java.sql.Statement s = connection.createStatement()) {
                        s.execute("COMMIT");
                    }
                } else {
                    connection.commit();
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    if (!sqlite) {
                        connection.rollback();
                    } else if (begun) {
                        try (java.sql.Statement s = connection.createStatement()) {
                            s.execute("ROLLBACK");
                        }
                    }
                } catch (SQLException ignored) {
                    // the connection is replaced anyway
                }
                throw e;
            }
        }

        boolean reachable() {
            try (Connection c = database.connect()) {
                return c.isValid(2);
            } catch (SQLException | RuntimeException e) {
                return false;
            }
        }

        void reset() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // replaced on the next attempt
                }
                connection = null;
            }
        }
    }

    /** The store itself: inserts a batch in one transaction on a connection the writer keeps. */
    public static final class StoreTarget<T> implements Target<T> {
        private final StoreConnection connection;
        private final Sink<T> sink;
        private final java.util.function.Function<T, String> endUser;
        private final java.util.function.ToLongFunction<T> madeAt;

        public StoreTarget(Database database, Sink<T> sink) {
            this(database, sink, null, null);
        }

        /**
         * Skips the records of end users erased since they were made ({@link Tombstones}).
         *
         * @param endUser who a record is about (null: records name nobody)
         * @param madeAt  when a record was made, epoch ms
         */
        public StoreTarget(Database database, Sink<T> sink, java.util.function.Function<T, String> endUser,
                           java.util.function.ToLongFunction<T> madeAt) {
            this(new StoreConnection(database), sink, endUser, madeAt);
        }

        /**
         * On a connection shared with other targets that one thread drives (a {@link Group}'s): never use one
         * {@link StoreConnection} from two threads.
         */
        public StoreTarget(StoreConnection connection, Sink<T> sink, java.util.function.Function<T, String> endUser,
                           java.util.function.ToLongFunction<T> madeAt) {
            this.connection = connection;
            this.sink = sink;
            this.endUser = endUser;
            this.madeAt = madeAt;
        }

        StoreConnection connection() {
            return connection;
        }

        /** One transaction per batch ({@link StoreConnection#inTransaction}). */
        @Override
        public void write(List<T> batch) throws SQLException {
            connection.inTransaction(c -> insertIn(c, batch));
        }

        /** The batch's rows, inside a transaction the caller runs: the erased end users' records skipped. */
        void insertIn(Connection c, List<T> batch) throws SQLException {
            List<T> rows = endUser == null ? batch
                    : Tombstones.filter(c, connection.database().dialect(), batch, endUser, madeAt);
            if (!rows.isEmpty()) {
                sink.insert(c, rows);
            }
        }

        @Override
        public boolean reachable() {
            return connection.reachable();
        }

        @Override
        public void reset() {
            connection.reset();
        }

        @Override
        public StoreTarget<T> storePart() {
            return this;
        }
    }

    private final String name;
    private final Target<T> target;
    /** The end user a record is about (for erasure), or null when records name none. */
    private final java.util.function.Function<T, String> endUser;
    private final java.util.concurrent.ConcurrentLinkedQueue<Purge> purges = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Class<T> type;
    /** Made on first use (a spill, a replay): Jackson's (de)serializer of a record costs start-up time every writer rarely needs. */
    private volatile ObjectWriter encoder;
    private volatile ObjectReader decoder;
    private final Path spillFile;
    /** Spill lines that could not be read back, kept for a person to look at. */
    private final Path quarantineFile;
    private final AtomicLong quarantined = new AtomicLong();
    private long lastQuarantineLog;
    /** Why the last spill line could not be read back (writer thread only). */
    private Exception decodeError;
    /** Present while a writer runs; left behind by a run that did not close (kill -9, crash). */
    private final Path runningMarker;
    /** The longest a record waits in memory for its batch to gather before the writer commits it. */
    private final long gatherMillis;
    private final BlockingQueue<T> queue;
    /** Queue depths where the writer starts and stops spilling because the store is too slow. */
    private final int highWater;
    private final int lowWater;
    private boolean overloaded;
    /** The thread that writes: the writer's own, or its group's. */
    private final Thread thread;
    /** The writers this one shares a thread and transactions with, or null. */
    private final Group group;
    /** Batches taken from the queue, not yet written or spilled (a group member's; the group's thread only). */
    private final List<T> pending = new ArrayList<>(BATCH);
    /** A group member whose close has been asked: its thread has written or spilled all it held. */
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    private volatile long spillPending;
    private volatile boolean closing;
    private volatile boolean storeDown;
    /** Write attempts (batches, replays) that failed in a row; 0 after any success. */
    private volatile int consecutiveFailures;
    /** While the store is down: whether the last probe reached it (only then does the writer try it). */
    private volatile boolean reachable;
    private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();
    private long nextTry;
    private long backoff = 100;

    /**
     * @param spillDir where the spill file lives ({@code <name>.spill.jsonl}); created when needed
     */
    public BatchWriter(String name, Database database, Sink<T> sink, Class<T> type, int capacity, Path spillDir) {
        this(name, database, sink, type, capacity, spillDir, dev.sluice.config.StoreConfig.DEFAULT_FLUSH_INTERVAL, null);
    }

    /**
     * @param flushInterval the longest a record waits in memory for a batch to gather before it is
     *                      committed ({@code store.flush_interval}): what a {@code kill -9} can lose
     * @param endUser the end user a record is about, so {@link #purge} can find it; null when records name none
     */
    public BatchWriter(String name, Database database, Sink<T> sink, Class<T> type, int capacity, Path spillDir,
                       java.time.Duration flushInterval, java.util.function.Function<T, String> endUser) {
        this(name, new StoreTarget<>(database, sink), type, capacity, spillDir, flushInterval, endUser);
    }

    /** Writes to {@code target} (the store, or a durable buffer in front of it), spilling while it fails. */
    public BatchWriter(String name, Target<T> target, Class<T> type, int capacity, Path spillDir,
                       java.time.Duration flushInterval, java.util.function.Function<T, String> endUser) {
        this(name, target, type, capacity, spillDir, flushInterval, endUser, null);
    }

    /**
     * A writer of {@code group}: its own queue, spill file, erasure and counts, but written by the group's
     * thread, its batches in the same transaction as the other members' ({@link Group}). Its target must
     * be the store on the group's connection ({@link StoreTarget} on {@link Group#connection()}, possibly
     * wrapped in a {@link NotifyingTarget}). With {@code group} null, a writer with a thread of its own.
     */
    public BatchWriter(String name, Target<T> target, Class<T> type, int capacity, Path spillDir,
                       java.time.Duration flushInterval, java.util.function.Function<T, String> endUser, Group group) {
        this.group = group;
        this.name = name;
        this.gatherMillis = flushInterval.toMillis();
        this.target = target;
        this.endUser = endUser;
        this.type = type;
        this.spillFile = spillDir.resolve(name + ".spill.jsonl");
        this.quarantineFile = spillDir.resolve(name + ".spill.bad");
        this.runningMarker = spillDir.resolve(name + ".running");
        markRunning();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.highWater = Math.max(BATCH, capacity / 2);
        this.lowWater = capacity / 10;
        this.spillPending = countLines(spillFile);
        if (spillPending > 0) {
            LOG.info("{}: {} record(s) spilled by an earlier run will be written", name, spillPending);
        }
        if (group == null) {
            // A platform thread: JDBC drivers' native and socket calls would pin a virtual thread's carrier anyway.
            this.thread = Thread.ofPlatform().name("sluice-" + name + "-writer").daemon(true).start(this::run);
        } else {
            StoreTarget<T> part = target.storePart();
            if (part == null || part.connection() != group.connection) {
                throw new IllegalArgumentException(name + ": a group's writer must write to the store on the group's connection");
            }
            this.thread = group.join(this);
        }
    }

    /** Queues a record without blocking; false (and a counted, logged drop) only when the queue is full. */
    public boolean offer(T record) {
        if (closing || !queue.offer(record)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.error("{}: queue full or closed, {} record(s) dropped so far; memory and disk cannot keep up", name, n);
            }
            return false;
        }
        accepted.incrementAndGet();
        if (group != null) {
            group.signal();
        }
        return true;
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Records written to the spill file so far (all later written to the store, or still pending). */
    public long spilled() {
        return spilled.get();
    }

    /** Spill lines that could not be read back and went to the quarantine file ({@code <name>.spill.bad}). */
    public long quarantined() {
        return quarantined.get();
    }

    /** Records in the spill file waiting for the store. */
    public long spillPending() {
        return spillPending;
    }

    public int queued() {
        return queue.size();
    }

    /** How many more records the memory queue takes right now (callers offering a batch check first). */
    public int remainingCapacity() {
        return queue.remainingCapacity();
    }

    /** Whether the last write attempt failed. */
    public boolean storeDown() {
        return storeDown;
    }

    /** Write attempts that failed in a row (a store that answers reads but refuses writes keeps this growing). */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** Waits until every accepted record is in the store (or purged), or the timeout passes; true when flushed. */
    public boolean flush(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (written.get() + purged.get() + quarantined.get() < accepted.get() || spillPending > 0) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** An erasure waiting for the writer's thread. */
    private record Purge(String user, java.util.concurrent.CompletableFuture<Long> done) {}

    /**
     * Removes every record of {@code user} not yet in the store: from the queue, the batch being written and
     * the spill file. Runs on the writer's thread between batches, so a record it took before is in the store
     * by the time this returns (and a DELETE issued afterwards removes it).
     *
     * @return how many records were removed
     * @throws StoreException when the writer did not get to it within the timeout (it is busy on a slow store)
     */
    public long purge(String user, long timeoutMillis) {
        if (endUser == null) {
            return 0;
        }
        Purge p = new Purge(user, new java.util.concurrent.CompletableFuture<>());
        purges.add(p);
        if (!thread.isAlive()) {
            applyPurges(new ArrayList<>());
        }
        try {
            return p.done().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            purges.remove(p);
            throw new StoreException(name + ": the writer is busy on a slow store; records waiting to be written were"
                    + " not erased. Retry.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(name + ": interrupted while erasing queued records", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StoreException(name + ": erasing queued records failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Applies the erasures asked for since the last call (on the writer's thread, or after it ended). */
    private synchronized void applyPurges(List<T> batch) {
        Purge p;
        while ((p = purges.poll()) != null) {
            try {
                String user = p.user();
                java.util.function.Predicate<T> theirs = r -> user.equals(endUser.apply(r));
                long n = 0;
                for (java.util.Iterator<T> it = batch.iterator(); it.hasNext(); ) {
                    if (theirs.test(it.next())) {
                        it.remove();
                        n++;
                    }
                }
                for (java.util.Iterator<T> it = queue.iterator(); it.hasNext(); ) {
                    if (theirs.test(it.next())) {
                        it.remove();
                        n++;
                    }
                }
                purged.addAndGet(n);
                long fromSpill = purgeSpill(theirs);
                long fromQuarantine = purgeQuarantine(user);
                p.done().complete(n + fromSpill + fromQuarantine);
            } catch (IOException | RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    /**
     * Rewrites the quarantine file without the lines that name {@code user} (as a JSON string: a line
     * that cannot be parsed is searched as text); returns how many went.
     */
    private long purgeQuarantine(String user) throws IOException {
        if (!Files.exists(quarantineFile)) {
            return 0;
        }
        String quoted = Json.string(com.fasterxml.jackson.databind.node.TextNode.valueOf(user));
        Path rest = quarantineFile.resolveSibling(quarantineFile.getFileName() + ".purge");
        long removed = 0;
        try (BufferedReader in = reader(quarantineFile);
             BufferedWriter out = Files.newBufferedWriter(rest, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains(quoted)) {
                    removed++;
                } else {
                    out.write(line);
                    out.newLine();
                }
            }
        }
        Files.move(rest, quarantineFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return removed;
    }

    /** Rewrites the spill file without the records {@code theirs} matches; returns how many went. */
    private long purgeSpill(java.util.function.Predicate<T> theirs) throws IOException {
        if (spillPending == 0 || !Files.exists(spillFile)) {
            return 0;
        }
        Path rest = spillFile.resolveSibling(spillFile.getFileName() + ".purge");
        long kept = 0;
        long removed = 0;
        try (BufferedReader in = reader(spillFile);
             BufferedWriter out = Files.newBufferedWriter(rest, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                T record = decode(line);
                if (record == null) {
                    continue; // quarantined (and counted there): the erasure then looks through the quarantine file
                }
                if (theirs.test(record)) {
                    removed++;
                } else {
                    out.write(line);
                    out.newLine();
                    kept++;
                }
            }
        }
        Files.move(rest, spillFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        // spilled records count as accepted until replayed; the purged ones never will be
        purged.addAndGet(removed);
        spillPending = kept;
        return removed;
    }

    private void run() {
        List<T> batch = new ArrayList<>(BATCH);
        while (!(closing && queue.isEmpty() && batch.isEmpty())) {
            applyPurges(batch);
            try {
                if (batch.isEmpty()) {
                    T first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        // idle: replay what was spilled, also as the probe that ends an outage
                        // (no new record may ever come to try the store with)
                        if (spillPending > 0 && !overloaded && mayTryStore() && replaySpill()) {
                            markUp();
                        }
                        continue;
                    }
                    if (!closing && !storeDown && queue.size() < BATCH) {
                        // let a batch gather: one transaction per few hundred rows, not one per request
                        Thread.sleep(gatherMillis);
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                if (checkOverload() || !mayTryStore()) {
                    spill(batch);
                    continue;
                }
                insert(batch);
                written.addAndGet(batch.size());
                batch.clear();
                markUp();
                if (spillPending > 0 && queue.size() <= lowWater) {
                    replaySpill();
                }
            } catch (InterruptedException e) {
                closing = true;
            } catch (Exception e) {
                if (!storeDown) {
                    LOG.warn("{}: the store failed ({}); spilling to {} and retrying", name, describe(e), spillFile);
                }
                markDown();
                spill(batch);
            }
        }
        applyPurges(batch);
        closeConnection();
    }

    // ---- a group member's steps, on the group's thread (see Group#run) ----

    /** Applies the erasures asked for; true when the writer is closing and holds nothing more (it is finished). */
    private boolean settle() {
        applyPurges(pending);
        if (closing && queue.isEmpty() && pending.isEmpty()) {
            finished.countDown();
            return true;
        }
        return false;
    }

    private boolean closingNow() {
        return closing && finished.getCount() > 0;
    }

    private boolean holds() {
        return !pending.isEmpty() || !queue.isEmpty();
    }

    private void take() {
        if (pending.size() < BATCH) {
            queue.drainTo(pending, BATCH - pending.size());
        }
    }

    /** Spills the batch in hand while the store is too slow or down; true when it goes into the group's transaction. */
    private boolean ready() {
        if (pending.isEmpty()) {
            return false;
        }
        if (checkOverload() || !mayTryStore()) {
            spill(pending);
            return false;
        }
        return true;
    }

    private void insertPending(Connection c) throws SQLException {
        target.storePart().insertIn(c, pending);
    }

    /** The group's transaction committed with this writer's batch in it. */
    private void committedPending() {
        target.committed(pending);
        written.addAndGet(pending.size());
        pending.clear();
        markUp();
    }

    private void replayIfRoom() {
        if (spillPending > 0 && queue.size() <= lowWater) {
            replaySpill();
        }
    }

    private void failedPending(Exception e) {
        if (!storeDown) {
            LOG.warn("{}: the store failed ({}); spilling to {} and retrying", name, describe(e), spillFile);
        }
        markDown();
        spill(pending);
    }

    /** Nothing queued: replay what was spilled, also as the probe that ends an outage. */
    private void idle() {
        if (spillPending > 0 && !overloaded && mayTryStore() && replaySpill()) {
            markUp();
        }
    }

    /**
     * Writers that share one thread and one connection to the store: each flush writes every member's batch in
     * <em>one</em> transaction (one {@code COMMIT}, one WAL sync, one thread woken per flush interval), instead of a
     * thread, a connection and a transaction per writer. Each member keeps what a writer of its own has: its
     * bounded queue with its high-water mark, its spill file and replay, erasure, counts and run marker; a member
     * that is overloaded or sees the store down spills its batch while the others' still go to the store. A
     * failed transaction fails every batch in it: each member spills its own and retries as it would alone. Spill
     * files are replayed in transactions of their own.
     *
     * <p>Use: make the group on a {@link StoreConnection}, give each member a {@link StoreTarget} on that
     * connection, and construct the members with the group. The thread starts with the first member and ends when
     * every member has been closed and has written (or spilled) what it held.
     */
    public static final class Group {
        private final String name;
        private final StoreConnection connection;
        private final long gatherMillis;
        private final List<BatchWriter<?>> members = new java.util.concurrent.CopyOnWriteArrayList<>();
        private Thread thread;
        /** Set while the thread waits for a record: an offer then wakes it. */
        private volatile boolean waiting;

        /**
         * @param name          the thread is {@code sluice-<name>-writer}
         * @param flushInterval the longest a record waits in memory for its batch ({@code store.flush_interval})
         */
        public Group(String name, StoreConnection connection, java.time.Duration flushInterval) {
            this.name = name;
            this.connection = connection;
            this.gatherMillis = flushInterval.toMillis();
        }

        public StoreConnection connection() {
            return connection;
        }

        private synchronized Thread join(BatchWriter<?> member) {
            members.add(member);
            if (thread == null) {
                thread = Thread.ofPlatform().name("sluice-" + name + "-writer").daemon(true).start(this::run);
            }
            return thread;
        }

        private void signal() {
            if (waiting) {
                java.util.concurrent.locks.LockSupport.unpark(thread);
            }
        }

        private boolean anyHolds() {
            for (BatchWriter<?> m : members) {
                if (m.holds()) {
                    return true;
                }
            }
            return false;
        }

        /** Waits up to {@code millis} for a record in any member's queue (or a close); true when one is there. */
        private boolean await(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (!anyHolds()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                waiting = true;
                try {
                    // an offer after this check sees waiting set and unparks (a volatile write, then the queue's lock)
                    if (anyHolds() || anyClosing()) {
                        return anyHolds();
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(this, left);
                } finally {
                    waiting = false;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (anyClosing()) {
                    return anyHolds();
                }
            }
            return true;
        }

        /** Whether a member's close waits for this thread (a member already finished does not count). */
        private boolean anyClosing() {
            for (BatchWriter<?> m : members) {
                if (m.closingNow()) {
                    return true;
                }
            }
            return false;
        }

        private void run() {
            List<BatchWriter<?>> ready = new ArrayList<>(2);
            while (true) {
                boolean allFinished = true;
                for (BatchWriter<?> m : members) {
                    allFinished &= m.settle();
                }
                if (allFinished) {
                    break;
                }
                try {
                    boolean inHand = false;
                    for (BatchWriter<?> m : members) {
                        inHand |= !m.pending.isEmpty();
                    }
                    if (!inHand) {
                        if (!await(200)) {
                            for (BatchWriter<?> m : members) {
                                if (!m.closing) {
                                    m.idle();
                                }
                            }
                            continue;
                        }
                        boolean gather = true;
                        for (BatchWriter<?> m : members) {
                            if (m.finished.getCount() > 0) {
                                gather &= !m.closing && !m.storeDown && m.queue.size() < BATCH;
                            }
                        }
                        if (gather) {
                            // let the batches gather: one transaction per few hundred rows, not one per request
                            Thread.sleep(gatherMillis);
                        }
                    }
                    ready.clear();
                    for (BatchWriter<?> m : members) {
                        m.take();
                        if (m.ready()) {
                            ready.add(m);
                        }
                    }
                    if (ready.isEmpty()) {
                        continue;
                    }
                    // keeping up (everything queued fits this flush's batches): let a request's thread waiting for
                    // this CPU in between chunks of rows; behind: hold it, so yielding cannot make it fall further
                    boolean keepingUp = true;
                    for (BatchWriter<?> m : ready) {
                        keepingUp &= m.pending.size() + m.queue.size() < BATCH;
                    }
                    Statements.yielding(keepingUp);
                    try {
                        connection.inTransaction(c -> {
                            for (BatchWriter<?> m : ready) {
                                m.insertPending(c);
                            }
                        });
                    } catch (SQLException | RuntimeException e) {
                        for (BatchWriter<?> m : ready) {
                            m.failedPending(e);
                        }
                        continue;
                    } finally {
                        Statements.yielding(false);
                    }
                    for (BatchWriter<?> m : ready) {
                        m.committedPending();
                    }
                    for (BatchWriter<?> m : ready) {
                        m.replayIfRoom();
                    }
                } catch (InterruptedException e) {
                    for (BatchWriter<?> m : members) {
                        m.closing = true;
                    }
                }
            }
            connection.reset();
        }
    }

    /**
     * A store that is up but slower than the traffic: the queue would fill and drop, so records go
     * to the spill file (a sequential append, several times cheaper than an insert) from when half
     * the queue is used until it is down to a tenth; the spill is replayed when there is room.
     */
    private boolean checkOverload() {
        int depth = queue.size();
        if (!overloaded && depth >= highWater) {
            overloaded = true;
            LOG.warn("{}: the store is not keeping up ({} records queued); spilling to {} until it does",
                    name, depth, spillFile);
        } else if (overloaded && depth <= lowWater) {
            overloaded = false;
            LOG.info("{}: the store keeps up again; the spill file will be replayed", name);
        }
        return overloaded;
    }

    private void markUp() {
        if (storeDown) {
            LOG.info("{}: the store answers again", name);
        }
        storeDown = false;
        consecutiveFailures = 0;
        backoff = 100;
    }

    private void markDown() {
        storeDown = true;
        consecutiveFailures++;
        reachable = false;
        closeConnection();
    }

    /**
     * Whether the writer should try the store now. While it is down, a probe on another thread
     * checks it (with backoff), so the writer itself never waits on a dead store: it keeps
     * moving records from memory to the spill file, and the queue never overflows meanwhile.
     */
    private boolean mayTryStore() {
        if (!storeDown || reachable) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (now >= nextTry && probing.compareAndSet(false, true)) {
            nextTry = now + backoff;
            backoff = Math.min(backoff * 2, 5_000);
            // a platform thread: the probe opens a connection, a native call for SQLite (OffCarrier)
            Thread.ofPlatform().daemon(true).name("sluice-" + name + "-probe").start(() -> {
                try {
                    reachable = target.reachable();
                } catch (RuntimeException e) {
                    reachable = false;
                } finally {
                    probing.set(false);
                }
            });
        }
        return false;
    }

    private void insert(List<T> batch) throws Exception {
        target.write(batch);
    }

    /** Appends the batch to the spill file; they count as written once replayed into the store. */
    private void spill(List<T> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(spillFile.getParent());
            // the whole batch is encoded before a byte is written: an encoding failure part-way (hostile input
            // carries unpaired surrogates, which a strict UTF-8 writer refuses mid-line) must never leave half a
            // line in the file, which no replay could parse. getBytes turns an unpaired surrogate into '?'.
            StringBuilder lines = new StringBuilder(batch.size() * 256);
            for (T record : batch) {
                lines.append(encoder().writeValueAsString(record)).append('\n');
            }
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            try (FileChannel channel = FileChannel.open(spillFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false); // the batch is on disk before it leaves memory
            }
            spilled.addAndGet(batch.size());
            spillPending += batch.size();
            batch.clear();
        } catch (IOException e) {
            LOG.error("{}: cannot spill {} record(s) to {} ({}); keeping them in memory", name, batch.size(), spillFile,
                    e.getMessage());
            sleepQuietly(500);
        }
    }

    /**
     * The failure in one short line. JDBC batch errors quote the whole statement with its values:
     * captured bodies and user data would end up in the log.
     */
    public static String describe(Exception e) {
        Throwable cause = e;
        if (e instanceof java.sql.BatchUpdateException b && b.getNextException() != null) {
            cause = b.getNextException();
        }
        String message = String.valueOf(cause.getMessage());
        int values = message.indexOf(" VALUES ");
        if (values >= 0) {
            message = message.substring(0, values) + " ...";
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return cause instanceof SQLException sql && sql.getSQLState() != null
                ? message + " [SQLState " + sql.getSQLState() + "]" : message;
    }

    /**
     * Writes the spill file into the store in batches, then deletes it; false when the store
     * failed. It stops early (true, the rest left in the file) when new records queue up meanwhile.
     * The lines already written are cut from the file, so a later replay writes nothing twice.
     */
    private boolean replaySpill() {
        List<T> chunk = new ArrayList<>(BATCH);
        // lines dealt with (written to the store or quarantined), always a prefix of the file
        long replayed = 0;
        try (BufferedReader in = reader(spillFile)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                T record = tryDecode(line);
                if (record == null) {
                    // the lines before it go first, so what is dealt with stays a prefix of the file
                    if (!chunk.isEmpty()) {
                        insert(chunk);
                        replayed += chunk.size();
                        written.addAndGet(chunk.size());
                        chunk.clear();
                    }
                    quarantine(line);
                    replayed++;
                    continue;
                }
                chunk.add(record);
                if (chunk.size() == BATCH) {
                    insert(chunk);
                    replayed += chunk.size();
                    written.addAndGet(chunk.size());
                    chunk.clear();
                    if (!closing && queue.size() > lowWater) {
                        // new records are waiting: serve them first, replay the rest later
                        dropFirstLines(replayed);
                        return true;
                    }
                }
            }
            if (!chunk.isEmpty()) {
                insert(chunk);
                replayed += chunk.size();
                written.addAndGet(chunk.size());
            }
        } catch (Exception e) {
            LOG.warn("{}: replaying the spill file failed after {} record(s) ({}); will retry", name, replayed,
                    describe(e));
            markDown();
            dropFirstLines(replayed);
            return false;
        }
        try {
            Files.deleteIfExists(spillFile);
        } catch (IOException e) {
            LOG.error("{}: cannot delete the replayed spill file {}: {}", name, spillFile, e.getMessage());
        }
        spillPending = 0;
        LOG.info("{}: {} spilled line(s) dealt with ({} quarantined so far)", name, replayed, quarantined.get());
        return true;
    }

    /** Rewrites the spill file without its first {@code count} records (already in the store). */
    private void dropFirstLines(long count) {
        if (count == 0) {
            return;
        }
        Path rest = spillFile.resolveSibling(spillFile.getFileName() + ".rest");
        try (var lines = reader(spillFile).lines();
             FileChannel channel = FileChannel.open(rest, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE);
             BufferedWriter out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8))) {
            var it = lines.filter(l -> !l.isBlank()).skip(count).iterator();
            long left = 0;
            while (it.hasNext()) {
                out.write(it.next());
                out.newLine();
                left++;
            }
            out.flush();
            channel.force(false); // synced before it replaces the spill file
            out.close();
            Files.move(rest, spillFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(spillFile.getParent());
            spillPending = left;
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.error("{}: cannot rewrite the spill file after a partial replay: {}", name, e.getMessage());
        }
    }

    /** Makes a rename in {@code dir} durable (best effort: not every file system syncs a directory). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // the rename is still atomic; only its durability across a power cut is left to the OS
        }
    }

    /** Leaves a marker while running; one found at start means the last run ended without closing. */
    private void markRunning() {
        try {
            if (Files.exists(runningMarker)) {
                LOG.warn("{}: the previous run ended without closing its writer (kill -9, crash, power loss): the records"
                        + " it still held in memory (at most those of its last {} ms, see store.flush_interval) were lost;"
                        + " what it had spilled is replayed now", name, gatherMillis);
            } else {
                Files.createDirectories(runningMarker.getParent());
                Files.createFile(runningMarker);
            }
        } catch (IOException e) {
            LOG.debug("{}: cannot keep a run marker in {}: {}", name, runningMarker.getParent(), e.getMessage());
        }
    }

    private static long countLines(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = reader(file).lines()) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Reads a spill file as UTF-8, bytes that are not UTF-8 read as U+FFFD (never a MalformedInputException). */
    private static BufferedReader reader(Path file) throws IOException {
        return new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)));
    }

    /** The record of a spill line, or null once the line has been quarantined. */
    private T decode(String line) throws IOException {
        T record = tryDecode(line);
        if (record == null) {
            quarantine(line);
        }
        return record;
    }

    // a race makes two equal, immutable instances: harmless
    private ObjectWriter encoder() {
        ObjectWriter w = encoder;
        if (w == null) {
            encoder = w = Json.MAPPER.writerFor(type);
        }
        return w;
    }

    private ObjectReader decoder() {
        ObjectReader r = decoder;
        if (r == null) {
            decoder = r = Json.MAPPER.readerFor(type);
        }
        return r;
    }

    /** The record of a spill line, or null when it cannot be read back ({@link #decodeError} says why). */
    private T tryDecode(String line) {
        try {
            return decoder().readValue(line);
        } catch (IOException | RuntimeException e) {
            decodeError = e;
            return null;
        }
    }

    /**
     * Appends a spill line that cannot be read back to the quarantine file (synced), counts it and logs
     * it: the first, then at most once a minute, with the count so far (a file of broken lines must
     * not flood the log).
     */
    private void quarantine(String line) throws IOException {
        Files.createDirectories(quarantineFile.getParent());
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try (FileChannel channel = FileChannel.open(quarantineFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false); // in the quarantine file before it leaves the spill file
        }
        long n = quarantined.incrementAndGet();
        long now = System.currentTimeMillis();
        if (n == 1 || now - lastQuarantineLog >= 60_000) {
            lastQuarantineLog = now;
            // the exception's class only: parser messages quote the line's content (client data)
            String why = decodeError == null ? "unknown" : decodeError.getClass().getSimpleName();
            LOG.warn("{}: a spill line could not be read back ({}); moved to {} ({} so far); replay goes on", name,
                    why, quarantineFile, n);
        }
    }

    private void closeConnection() {
        target.reset();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting, writes (or spills) everything queued, then returns (bounded by a minute). */
    @Override
    public void close() {
        closing = true;
        boolean done;
        try {
            if (group == null) {
                thread.join(60_000);
                done = !thread.isAlive();
            } else {
                group.signal();
                done = finished.await(60_000, TimeUnit.MILLISECONDS) || !thread.isAlive() && pending.isEmpty()
                        && queue.isEmpty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (done) {
            try {
                Files.deleteIfExists(runningMarker); // everything queued is written or spilled
            } catch (IOException e) {
                LOG.debug("{}: cannot remove the run marker {}: {}", name, runningMarker, e.getMessage());
            }
        }
    }
}
