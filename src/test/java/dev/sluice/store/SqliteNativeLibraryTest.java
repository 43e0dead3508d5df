package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("sqlite-jdbc's native library is kept between runs instead of extracted at every start")
class SqliteNativeLibraryTest {

    @Test
    @DisplayName("after a SQLite database opens, sqlite-jdbc is pointed at a kept copy of its library, and the database works")
    void keptCopyIsUsed() throws Exception {
        try (Database db = Database.openSqlite(Files.createTempDirectory("native").resolve("s.db"))) {
            assertThat(db.healthy()).isTrue();
        }
        String dir = System.getProperty("org.sqlite.lib.path");
        String name = System.getProperty("org.sqlite.lib.name");
        assertThat(dir).contains("sqlite-jdbc-");
        Path kept = Path.of(dir, name);
        assertThat(kept).isRegularFile();
        assertThat(Files.size(kept)).isGreaterThan(100_000);
    }
}
