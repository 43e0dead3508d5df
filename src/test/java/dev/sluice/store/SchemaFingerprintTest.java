package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A restart of the build that last migrated a database skips Flyway. Flyway's visible trace is its
 * history table: without it, Flyway refuses a non-empty schema, so a database whose history table
 * is gone opens only when Flyway did not run.
 */
class SchemaFingerprintTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a database this build migrated opens again without Flyway; another build's fingerprint runs Flyway")
    void restartSkipsFlyway(String dialect) throws Exception {
        String url = dialect.equals("sqlite")
                ? "jdbc:sqlite:" + Files.createTempDirectory("fingerprint").resolve("s.db")
                : Services.emptyPostgres();
        open(dialect, url).close();
        assertThat(fingerprint(url)).isEqualTo(SchemaFingerprint.of(dialect)).isNotNull();

        execute(url, "DROP TABLE flyway_schema_history");
        try (Database db = open(dialect, url)) {
            assertThat(db.healthy()).isTrue();
        }

        execute(url, "UPDATE schema_fingerprint SET fingerprint = 'another build'");
        assertThatThrownBy(() -> open(dialect, url)).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema history table");
    }

    @Test
    @DisplayName("a fresh database is migrated and then notes this build's fingerprint")
    void freshDatabaseMigrates() throws Exception {
        Path file = Files.createTempDirectory("fingerprint").resolve("fresh.db");
        String url = "jdbc:sqlite:" + file;
        try (Database db = Database.openSqlite(file)) {
            db.withConnection(c -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success = 1")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isGreaterThan(20);
                }
                return null;
            });
        }
        assertThat(fingerprint(url)).isEqualTo(SchemaFingerprint.of("sqlite"));
    }

    private static Database open(String dialect, String url) {
        return dialect.equals("sqlite") ? Database.openSqlite(Path.of(url.substring("jdbc:sqlite:".length())))
                : Database.openPostgres(url);
    }

    private static String fingerprint(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT fingerprint FROM schema_fingerprint WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
