package dev.sluice.config;

/**
 * @param path           the SQLite database file (when no url is given)
 * @param url            a PostgreSQL JDBC URL, shared by every gateway instance; null = SQLite
 * @param queueCapacity  records buffered in memory before the writer catches up
 * @param spillDir       where records wait on disk while the store is down
 */
public record StoreConfig(String path, String url, int queueCapacity, String spillDir) {}
