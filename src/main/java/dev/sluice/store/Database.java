package dev.sluice.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.threads.OffCarrier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteOpenMode;

/**
 * The store: embedded SQLite by default, PostgreSQL when several gateway instances share state.
 * Flyway brings the schema up to date at open, from the dialect's own migration folder, unless this
 * build did so last ({@link SchemaFingerprint}).
 *
 * <p>SQLite allows one writer at a time, so it gets two connections: one owned by the
 * request-log writer thread, and one shared under a lock by the low-traffic paths (keys, teams,
 * audit). PostgreSQL gets a small HikariCP pool.
 */
public final class Database implements AutoCloseable {
    public enum Dialect { SQLITE, POSTGRES }

    private final Dialect dialect;
    private final String url;
    private final Connection shared;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final HikariDataSource pool;
    private Connection reader;
    /** Set when the pool could not give a connection; cleared by the next one it gives. */
    private volatile boolean down;
    /** While down: when a caller last waited for the pool (nanoTime); the others fail at once. */
    private final java.util.concurrent.atomic.AtomicLong lastProbe = new java.util.concurrent.atomic.AtomicLong();
    /** While PostgreSQL does not answer, one caller a second waits the pool's timeout to find out whether it is back. */
    static final long PROBE_NANOS = 1_000_000_000L;

    private Database(Dialect dialect, String url, HikariDataSource pool) throws SQLException {
        this.dialect = dialect;
        this.url = url;
        this.pool = pool;
        this.shared = dialect == Dialect.SQLITE ? connect() : null;
    }

    /** Opens (creating if needed) the SQLite file and brings its schema up to date. */
    public static Database openSqlite(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("Cannot create the directory for the database " + file + ": " + e.getMessage(), e);
        }
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SqliteNativeLibrary.prepare();
        try {
            String fingerprint = SchemaFingerprint.of("sqlite");
            try (Connection c = DriverManager.getConnection(url)) {
                if (!SchemaFingerprint.matches(c, fingerprint)) {
                    migrate(Flyway.configure().dataSource(url, null, null), "sqlite");
                    SchemaFingerprint.store(c, fingerprint);
                }
            }
            Database db = new Database(Dialect.SQLITE, url, null);
            Rollups.backfill(db);
            return db;
        } catch (FlywayException | SQLException e) {
            throw new StoreException("Cannot open the database " + file + ": " + e.getMessage(), e);
        }
    }

    /** Connects to PostgreSQL ({@code jdbc:postgresql://host:port/db?user=...}) and migrates it. */
    public static Database openPostgres(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(8);
        config.setPoolName("sluice-store");
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        // the batching writers send one multi-row INSERT per batch instead of one round trip per row
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("Cannot connect to PostgreSQL at " + redact(jdbcUrl) + ": " + rootMessage(e)
                    + ". Check store.url and that the server is running.", e);
        }
        try {
            String fingerprint = SchemaFingerprint.of("postgresql");
            try (Connection c = pool.getConnection()) {
                if (!SchemaFingerprint.matches(c, fingerprint)) {
                    migrate(Flyway.configure().dataSource(pool), "postgresql");
                    SchemaFingerprint.store(c, fingerprint);
                }
            }
            Database db = new Database(Dialect.POSTGRES, jdbcUrl, pool);
            Partitions.ensure(db, System.currentTimeMillis());
            Rollups.backfill(db);
            return db;
        } catch (FlywayException | SQLException e) {
            pool.close();
            throw new StoreException("Cannot migrate PostgreSQL at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    private static void migrate(org.flywaydb.core.api.configuration.FluentConfiguration flyway, String folder) {
        // Out of order: each concern owns a range of versions (docs/architecture.md), so a database that already
        // ran V21 must still accept a later-written V10.
        flyway.locations("classpath:db/migration/" + folder).outOfOrder(true).loggers("slf4j").load().migrate();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** A connection owned by the caller (close it): a new one for SQLite, a pooled one for PostgreSQL. */
    public Connection connect() throws SQLException {
        if (pool != null) {
            return pooled();
        }
        // every transaction a caller opens (setAutoCommit(false): prompt labels, erasure, eval runs, rollup rebuilds)
        // begins IMMEDIATE, taking the write lock up front and waiting up to the busy timeout for it: a deferred
        // transaction that reads and then writes fails at once with SQLITE_BUSY when a batch writer holds the lock
        // or committed in between (SQLite does not wait to upgrade a reader), which turned label moves into 500s
        java.util.Properties props = new java.util.Properties();
        props.setProperty("transaction_mode", "IMMEDIATE");
        // SQLITE_OPEN_NOMUTEX: the driver already serialises every call on a connection (its native methods
        // synchronise on the connection's DB object; only sqlite3_interrupt does not, and SQLite allows that from any
        // thread), so SQLite's own per-connection mutexes were taken and released for nothing: 3% of the store
        // writer's CPU samples (bench/README.md, "Session 14: the store write")
        props.setProperty("open_mode", String.valueOf(SQLiteOpenMode.READWRITE.flag | SQLiteOpenMode.CREATE.flag
                | SQLiteOpenMode.NOMUTEX.flag));
        Connection c = DriverManager.getConnection(url, props);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("PRAGMA foreign_keys=ON");
        }
        return c;
    }

    /**
     * A pooled connection. Once the pool could not give one within its timeout (PostgreSQL unreachable),
     * callers fail at once instead of each waiting that timeout (a request reading its key, its model
     * splits), and one caller a second waits to find out whether it is back.
     */
    private Connection pooled() throws SQLException {
        if (down) {
            long now = System.nanoTime();
            long last = lastProbe.get();
            if (now - last < PROBE_NANOS || !lastProbe.compareAndSet(last, now)) {
                throw new java.sql.SQLTransientConnectionException("PostgreSQL did not answer the last attempt to connect"
                        + " (asked again within a second)", "08001");
            }
        }
        try {
            Connection c = pool.getConnection();
            down = false;
            return c;
        } catch (java.sql.SQLTransientConnectionException e) {
            // the pool holds no connection: it could not make one (an exhausted pool of live connections is not down)
            if (e.getCause() != null || pool.getHikariPoolMXBean().getTotalConnections() == 0) {
                lastProbe.set(System.nanoTime());
                down = true;
            }
            throw e;
        }
    }

    /**
     * Runs work on a connection: SQLite's shared one (one caller at a time), or one from the pool.
     * SQLite's driver is native code, so a virtual thread's work runs on a platform thread ({@link OffCarrier}):
     * waiting for the lock the batch writer holds, or a long query, must not hold the caller's carrier.
     */
    public <T> T withConnection(SqlWork<T> work) {
        if (pool != null) {
            try (Connection c = pooled()) {
                return work.run(c);
            } catch (SQLException e) {
                throw new StoreException("Database error: " + e.getMessage(), e);
            }
        }
        if (Thread.currentThread().isVirtual()) {
            return OffCarrier.get(() -> withConnection(work));
        }
        lock.lock();
        try {
            return work.run(shared);
        } catch (SQLException e) {
            throw new StoreException("Database error: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a read-only query for analytics: on SQLite on a connection of its own (opened on first
     * use), so a long aggregation never holds the shared connection that key lookups need; WAL lets
     * it read while the writer writes. On PostgreSQL, a pooled connection.
     */
    public <T> T read(SqlWork<T> work) {
        if (pool != null) {
            return withConnection(work);
        }
        if (Thread.currentThread().isVirtual()) {
            return OffCarrier.get(() -> read(work));   // native, as in withConnection
        }
        readLock.lock();
        try {
            if (reader == null) {
                reader = connect();
                try (Statement s = reader.createStatement()) {
                    s.execute("PRAGMA query_only=ON");
                }
            }
            return work.run(reader);
        } catch (SQLException e) {
            throw new StoreException("Database error: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    /** Whether the database answers a trivial query (for readiness checks). */
    public boolean healthy() {
        try {
            return withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    return s.execute("SELECT 1");
                }
            });
        } catch (StoreException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
            return;
        }
        lock.lock();
        try {
            shared.close();
        } catch (SQLException ignored) {
            // closing at shutdown; nothing to recover
        } finally {
            lock.unlock();
        }
        readLock.lock();
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (SQLException ignored) {
            // closing at shutdown; nothing to recover
        } finally {
            readLock.unlock();
        }
    }

    /** Hides a password given in the URL, for messages. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /**
     * Runs work in one transaction on a connection ({@link #withConnection}): committed when the work returns,
     * rolled back when it throws, the connection's auto-commit restored either way.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        return withConnection(c -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        });
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
