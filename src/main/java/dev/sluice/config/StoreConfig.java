package dev.sluice.config;

/**
 * @param path           the SQLite database file (when no url is given)
 * @param url            a PostgreSQL JDBC URL, shared by every gateway instance; null = SQLite
 * @param queueCapacity  request-log records buffered in memory before the writer catches up
 */
public record StoreConfig(String path, String url, int queueCapacity) {}
