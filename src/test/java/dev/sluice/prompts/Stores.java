package dev.sluice.prompts;

import dev.sluice.store.Database;
import dev.sluice.testing.Services;
import dev.sluice.testing.SqliteTemplate;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The two stores the registry runs on, for {@code @ParameterizedTest @MethodSource("dev.sluice.prompts.Stores#both")}. */
public final class Stores {
    private Stores() {}

    public static Stream<String> both() {
        return Stream.of("sqlite", "postgresql");
    }

    /** A fresh database of that kind (a migrated file in {@code dir}, or a new PostgreSQL database). */
    public static Database open(String kind, Path dir) {
        return fresh(kind, dir).open();
    }

    /** A fresh store that several "gateway instances" can open at once (each {@link Shared#open()} is one). */
    public static Shared fresh(String kind, Path dir) {
        return switch (kind) {
            case "sqlite" -> new Shared(kind, SqliteTemplate.copyTo(dir.resolve("registry.db")).toString());
            case "postgresql" -> new Shared(kind, Services.postgres());
            default -> throw new IllegalArgumentException(kind);
        };
    }

    public record Shared(String kind, String location) {
        public Database open() {
            return kind.equals("sqlite") ? Database.openSqlite(Path.of(location)) : Database.openPostgres(location);
        }
    }
}
