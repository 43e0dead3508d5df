package dev.sluice.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import dev.sluice.store.Database;
import org.junit.jupiter.api.Assumptions;

/**
 * The real services tests run against (PostgreSQL and Redis on 127.0.0.1). When one is missing
 * a test fails under CI ({@code CI=true}) and is skipped with a visible message elsewhere.
 */
public final class Services {
    public static final String REDIS_URL = "redis://127.0.0.1:6379/0";
    static final String POSTGRES_BASE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private Services() {}

    /** NATS with JetStream on 127.0.0.1:4222, or a skip/failure saying it is missing. */
    public static String nats() {
        require("NATS", 4222);
        return "nats://127.0.0.1:4222";
    }

    /** Redis on 127.0.0.1:6379, or a skip/failure saying it is missing. */
    public static String redis() {
        require("Redis", 6379);
        return REDIS_URL;
    }

    /**
     * A fresh PostgreSQL database whose schema this build already migrated, so tests never see each
     * other's rows; returns its JDBC URL. It is a copy of a template database ({@code CREATE DATABASE
     * ... TEMPLATE}, ~0.2 s) that the first call of a day migrates once with {@link Database#openPostgres}
     * (Flyway, this build's fingerprint, the day partitions): a fresh migration costs 2-5 s of PostgreSQL
     * DDL on a loaded 2-core machine, and the suite opened ~65 such stores. The copy is what production
     * has at its second start on that day; tests of migrations themselves take {@link #emptyPostgres()}.
     */
    public static String postgres() {
        require("PostgreSQL", 5432);
        String template = PostgresTemplate.name();
        if (template == null) {
            return emptyPostgres();
        }
        return PostgresTemplate.copy(template);
    }

    /**
     * A fresh, empty schema in the PostgreSQL database {@code test} (nothing migrated), for tests of
     * migrations; returns a JDBC URL whose current schema is it.
     */
    public static String emptyPostgres() {
        require("PostgreSQL", 5432);
        String schema = "sluice_t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(POSTGRES_BASE); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            throw new AssertionError("PostgreSQL is up but a schema could not be created: " + e.getMessage(), e);
        }
        return POSTGRES_BASE + "&currentSchema=" + schema;
    }

    private static void require(String name, int port) {
        boolean up;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            up = true;
        } catch (Exception e) {
            up = false;
        }
        if (!up) {
            String message = name + " is not running on 127.0.0.1:" + port + "; this test needs it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + " (CI=true: a missing service is a failure)");
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
    }
}
