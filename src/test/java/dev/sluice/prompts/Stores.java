package dev.sluice.prompts;

import dev.sluice.store.Database;
import dev.sluice.testing.Services;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The two stores the registry runs on, for {@code @ParameterizedTest @MethodSource("dev.sluice.prompts.Stores#both")}. */
public final class Stores {
    private Stores() {}

    public static Stream<String> both() {
        return Stream.of("sqlite", "postgresql");
    }

    /** A fresh database of that kind (a file in {@code dir}, or a new PostgreSQL schema). */
    public static Database open(String kind, Path dir) {
        return switch (kind) {
            case "sqlite" -> Database.openSqlite(dir.resolve("registry.db"));
            case "postgresql" -> Database.openPostgres(Services.postgres());
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
