package dev.sluice.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Reads the {@code store:} section: SQLite or PostgreSQL, the writer queue and the spill directory. */
final class StoreParser {
    private static final Duration MAX_FLUSH_INTERVAL = Duration.ofSeconds(10);

    private StoreParser() {}

    static StoreConfig parse(YamlNode node) {
        if (node == null) {
            return new StoreConfig("sluice.db", null, 100_000, spillDirFor("sluice.db", null));
        }
        node.allowOnly(Set.of("path", "url", "queue_capacity", "spill_dir", "flush_interval", "buffer"));
        String url = node.optionalString("url");
        if (url != null && !url.startsWith("jdbc:postgresql://")) {
            throw node.get("url").error("'" + url + "' is not a PostgreSQL JDBC URL",
                    "write it like jdbc:postgresql://127.0.0.1:5432/sluice?user=sluice&password=${env:PGPASSWORD}");
        }
        String path = node.string("path", "sluice.db");
        Duration flush = node.duration("flush_interval", StoreConfig.DEFAULT_FLUSH_INTERVAL);
        if (flush.compareTo(MAX_FLUSH_INTERVAL) > 0) {
            throw node.get("flush_interval").error("a flush interval of " + flush.toMillis() + " ms would let a crash lose"
                    + " that much traffic", "use at most 10s (the default is 200ms)");
        }
        return new StoreConfig(path, url, node.integer("queue_capacity", 100_000, 100, 10_000_000),
                node.string("spill_dir", spillDirFor(path, url)), flush, buffer(node.get("buffer")));
    }

    /** {@code buffer:}: {@code type: spill} (the default) or {@code jetstream} with its server and stream. */
    private static BufferConfig buffer(YamlNode node) {
        if (node == null) {
            return null;
        }
        node.allowOnly(Set.of("type", "url", "stream", "consume", "dedup_window", "ack_wait"));
        String type = node.choice("type", "spill", List.of("spill", "jetstream"), "buffer type");
        if (type.equals("spill")) {
            return null;
        }
        String url = node.string("url", "nats://127.0.0.1:4222");
        if (!url.startsWith("nats://") && !url.startsWith("tls://")) {
            throw node.get("url").error("'" + url + "' is not a NATS URL", "write it like nats://127.0.0.1:4222");
        }
        String stream = node.string("stream", BufferConfig.DEFAULT_STREAM);
        if (!stream.matches("[A-Za-z0-9_-]{1,64}")) {
            throw node.get("stream").error("'" + stream + "' is not a JetStream stream name",
                    "use letters, digits, '_' and '-' (e.g. SLUICE_TELEMETRY)");
        }
        Duration window = node.duration("dedup_window", Duration.ofMinutes(2));
        return new BufferConfig(url, stream, node.bool("consume", true), window,
                node.duration("ack_wait", Duration.ofSeconds(30)));
    }

    /** By default records spill next to the SQLite file, or under .sluice/ for PostgreSQL. */
    private static String spillDirFor(String sqlitePath, String url) {
        if (url != null) {
            return ".sluice/spill";
        }
        Path parent = Path.of(sqlitePath).toAbsolutePath().getParent();
        return (parent == null ? Path.of("spill") : parent.resolve("spill")).toString();
    }
}
