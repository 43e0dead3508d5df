package dev.sluice.store;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tells, without Flyway, whether a database was last migrated by this very build, so that a restart
 * can skip Flyway: its classes and its scan of the migrations cost ~0.3–0.6 s of CPU at every start
 * while there is nothing to do. The fingerprint names the migrations this build carries: for the
 * jar, its path, size and modification time (the migrations are inside it, and listing a 30,000-entry
 * jar costs what we are saving); for a classes directory (tests, an IDE), a hash of the migration
 * files' names and contents. It is stored in {@code schema_fingerprint} (migration V65) after each
 * successful migration; any other build, a fresh database, or a database that never stored one runs
 * Flyway as before (which validates and applies), then stores this build's fingerprint.
 */
final class SchemaFingerprint {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SchemaFingerprint.class);
    private static final String SELECT = "SELECT fingerprint FROM schema_fingerprint WHERE id = 1";

    private SchemaFingerprint() {}

    /** This build's fingerprint for one dialect's migrations, or null when it cannot tell (then Flyway always runs). */
    static String of(String folder) {
        try {
            CodeSource source = Database.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null) {
                return null;
            }
            Path where = Path.of(location.toURI());
            if (Files.isRegularFile(where)) {
                return folder + " jar " + where.toAbsolutePath() + " " + Files.size(where) + " "
                        + Files.getLastModifiedTime(where).toMillis();
            }
            Path dir = where.resolve("db/migration").resolve(folder);
            if (!Files.isDirectory(dir)) {
                return null;
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.sorted().toList();
            }
            for (Path f : files) {
                sha.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(f));
                sha.update((byte) 0);
            }
            return folder + " dir " + HexFormat.of().formatHex(sha.digest());
        } catch (IOException | URISyntaxException | NoSuchAlgorithmException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the database holds this fingerprint (false when it holds another, none, or has no such table yet). */
    static boolean matches(Connection c, String fingerprint) {
        if (fingerprint == null) {
            return false;
        }
        try (PreparedStatement s = c.prepareStatement(SELECT); ResultSet rs = s.executeQuery()) {
            return rs.next() && fingerprint.equals(rs.getString(1));
        } catch (SQLException noTableYet) {
            return false;
        }
    }

    /**
     * Stores the fingerprint of the build that has just migrated the database. A failure only costs
     * the next start its shortcut, so it is not one of the store's errors.
     */
    static void store(Connection c, String fingerprint) {
        if (fingerprint == null) {
            return;
        }
        // an upsert: instances sharing a PostgreSQL database may store theirs at the same moment
        try (PreparedStatement s = c.prepareStatement("INSERT INTO schema_fingerprint (id, fingerprint) VALUES (1, ?)"
                + " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint")) {
            s.setString(1, fingerprint);
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("could not note the schema's fingerprint (the next start runs Flyway again): {}", e.getMessage());
        }
    }
}
