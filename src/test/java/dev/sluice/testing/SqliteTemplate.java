package dev.sluice.testing;

import dev.sluice.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A SQLite store this build migrated, made once per JVM, for test gateways to start from. Migrating a
 * fresh file runs Flyway over every migration: ~0.8 s on this loaded 2-core machine, at every one of the
 * suite's hundreds of gateway starts; copying the migrated file takes ~20 ms. A copy is the store as
 * production has it at its second start (the fingerprint then skips Flyway; the rest of the open runs);
 * the tests of a fresh migration open their own files ({@code SchemaFingerprintTest}).
 */
public final class SqliteTemplate {
    private SqliteTemplate() {}

    /** Built at first use: closing the store checkpoints its WAL, so the one file is the whole database. */
    private static final class Holder {
        static final Path FILE = build();
    }

    private static Path build() {
        try {
            Path file = Files.createTempDirectory("sluice-test-template").resolve("sluice.db");
            Database.openSqlite(file).close();
            if (Files.exists(Path.of(file + "-wal"))) {
                throw new IllegalStateException("the template store kept a write-ahead log after closing: " + file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the migrated store to {@code file}, unless something is there already (a restart on the same dir); returns {@code file}. */
    public static Path copyTo(Path file) {
        if (Files.exists(file)) {
            return file;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(Holder.FILE, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
