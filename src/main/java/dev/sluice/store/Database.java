package dev.sluice.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The embedded SQLite store. Migrations run with Flyway at open. SQLite allows one writer at a
 * time, so Sluice keeps two connections: one owned by the request-log writer thread, and one
 * shared (under a lock) by the low-traffic admin paths such as key management. WAL mode lets
 * readers run beside the writer.
 */
public final class Database implements AutoCloseable {
    private final String url;
    private final Connection shared;
    private final ReentrantLock lock = new ReentrantLock();

    private Database(String url) throws SQLException {
        this.url = url;
        this.shared = connect();
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
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
        try {
            Flyway.configure()
                    .dataSource(url, null, null)
                    .locations("classpath:db/migration/sqlite")
                    .loggers("slf4j")
                    .load()
                    .migrate();
            return new Database(url);
        } catch (FlywayException | SQLException e) {
            throw new StoreException("Cannot open the database " + file + ": " + e.getMessage(), e);
        }
    }

    /** A new connection, for a component that owns it on one thread (e.g. the log writer). */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("PRAGMA foreign_keys=ON");
        }
        return c;
    }

    /** Runs work on the shared connection, one caller at a time. */
    public <T> T withConnection(SqlWork<T> work) {
        lock.lock();
        try {
            return work.run(shared);
        } catch (SQLException e) {
            throw new StoreException("Database error: " + e.getMessage(), e);
        } finally {
            lock.unlock();
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
        lock.lock();
        try {
            shared.close();
        } catch (SQLException ignored) {
            // closing at shutdown; nothing to recover
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
