package dev.sluice.config;

/**
 * @param path           the SQLite database file (when no url is given)
 * @param url            a PostgreSQL JDBC URL, shared by every gateway instance; null = SQLite
 * @param queueCapacity  records buffered in memory before the writer catches up
 * @param spillDir       where records wait on disk while the store is down
 * @param flushInterval  the longest a finished request's records wait in memory before the writers commit
 *                       them: what a {@code kill -9} can lose
 * @param buffer         a JetStream buffer between the writers and the store; null = write to the store directly
 *                       (spilling to {@code spillDir} while it is down), the default
 */
public record StoreConfig(String path, String url, int queueCapacity, String spillDir, java.time.Duration flushInterval,
                          BufferConfig buffer) {
    public static final java.time.Duration DEFAULT_FLUSH_INTERVAL = java.time.Duration.ofMillis(200);

    /** Without a buffer. */
    public StoreConfig(String path, String url, int queueCapacity, String spillDir, java.time.Duration flushInterval) {
        this(path, url, queueCapacity, spillDir, flushInterval, null);
    }

    /** With the default flush interval. */
    public StoreConfig(String path, String url, int queueCapacity, String spillDir) {
        this(path, url, queueCapacity, spillDir, DEFAULT_FLUSH_INTERVAL);
    }
}
