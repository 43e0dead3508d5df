package dev.sluice.testing;

import dev.sluice.store.Database;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Migrated PostgreSQL databases for tests, each a copy of a template database this build migrated.
 *
 * <p>The template is named by the UTC day and a hash of what {@link Database#openPostgres} puts in
 * a fresh database (the migration files and the store classes that run at open), so every build and
 * every day gets its own, made once by whichever JVM asks first: under an advisory lock (several test
 * JVMs share this PostgreSQL) it is built under another name, migrated, closed, then renamed, so no
 * one copies a half-built template or one with a connection open. Copies are named by their creation
 * time ({@code sluice_t_<epoch seconds>_<random>}); the ones older than six hours, and the templates
 * of earlier days, are dropped in the background by the next JVM that makes a template.
 */
final class PostgresTemplate {
    private static final String COPY_PREFIX = "sluice_t_";
    private static final String TEMPLATE_PREFIX = "sluice_tpl_";
    private static final long KEEP_SECONDS = 6 * 3600;
    /** Any constant: the advisory lock that serialises template builders across JVMs. */
    private static final long LOCK = 0x51_1CE_7E57L;
    /** The store classes whose code writes into a fresh database at open, besides the migrations. */
    private static final List<String> OPEN_CODE = List.of("Database", "SchemaFingerprint", "Partitions", "Rollups");

    private PostgresTemplate() {}

    /** Lazily, once per JVM: the template's name, or null when the migrations are not a directory (then no template). */
    private static final class Holder {
        static final String NAME = ensure();
    }

    static String name() {
        return Holder.NAME;
    }

    /** A new database copied from the template; its JDBC URL. */
    static String copy(String template) {
        String name = COPY_PREFIX + System.currentTimeMillis() / 1000 + "_"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffff_ffffL);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is up but a database could not be copied from " + template + ": "
                    + e.getMessage(), e);
        }
        return url(name);
    }

    private static String ensure() {
        String hash = buildHash();
        if (hash == null) {
            return null;
        }
        String today = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
        String template = TEMPLATE_PREFIX + today + "_" + hash;
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
            try {
                List<String> stale = stale(c);
                if (!stale.isEmpty()) {
                    Thread.ofVirtual().name("drop-stale-test-databases").start(() -> drop(stale));
                }
                if (exists(c, template)) {
                    return template;
                }
                String building = template + "_b";
                s.execute("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)"); // left by a JVM that died building it
                s.execute("CREATE DATABASE " + building);
                Database.openPostgres(url(building)).close();
                s.execute("ALTER DATABASE " + building + " RENAME TO " + template);
                return template;
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
            }
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is up but the migrated template database could not be made: "
                    + e.getMessage(), e);
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(Services.POSTGRES_BASE);
    }

    private static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres";
    }

    private static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Copies older than six hours and templates of days before yesterday (a run that began then may still copy it). */
    private static List<String> stale(Connection c) throws SQLException {
        long now = System.currentTimeMillis() / 1000;
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE);
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'sluice\\_t%'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                String[] parts = name.split("_");
                try {
                    if (name.startsWith(COPY_PREFIX) && parts.length == 4 && Long.parseLong(parts[2]) < now - KEEP_SECONDS) {
                        out.add(name);
                    } else if (name.startsWith(TEMPLATE_PREFIX) && parts.length >= 4 && parts[2].compareTo(yesterday) < 0) {
                        out.add(name);
                    }
                } catch (NumberFormatException notOurs) {
                    // another naming: leave it
                }
            }
        }
        return out;
    }

    private static void drop(List<String> databases) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (String d : databases) {
                s.execute("DROP DATABASE IF EXISTS " + d + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("could not drop stale test databases: " + e.getMessage());
        }
    }

    /** A hash of the PostgreSQL migrations and the store classes that write at open; null outside a classes directory. */
    private static String buildHash() {
        try {
            URL migrations = PostgresTemplate.class.getResource("/db/migration/postgresql");
            if (migrations == null || !"file".equals(migrations.getProtocol())) {
                return null;
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> list = Files.list(Path.of(migrations.toURI()))) {
                files = new ArrayList<>(list.sorted().toList());
            }
            Path store = Path.of(Database.class.getResource("Database.class").toURI()).getParent();
            for (String k : OPEN_CODE) {
                files.add(store.resolve(k + ".class"));
            }
            for (Path f : files) {
                sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (IOException | URISyntaxException | NoSuchAlgorithmException | RuntimeException e) {
            return null;
        }
    }
}
