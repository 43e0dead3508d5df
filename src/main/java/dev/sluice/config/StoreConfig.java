package dev.sluice.config;

/**
 * @param path           the SQLite database file
 * @param queueCapacity  request-log records buffered in memory before the writer catches up
 */
public record StoreConfig(String path, int queueCapacity) {}
