package dev.sluice.config;

import java.time.Instant;

/** Reloads a running gateway's config (the admin endpoint, SIGHUP and the file watch all go through it). */
public interface ConfigReloader {
    /**
     * Reads the config again and, when it is valid, swaps what changed; an invalid file changes
     * nothing. Every reload is audited with {@code actor} and {@code role}.
     *
     * @throws IllegalStateException when the gateway has no config source to read again
     */
    ReloadResult reload(String trigger, String actor, String role, String requestId);

    /** The config generation serving now, and the last reload (null before the first). */
    Status status();

    /**
     * @param watching whether {@code server.config_watch} watches the file
     */
    record Status(long generation, String source, Instant loadedAt, boolean reloadable, boolean watching,
                  ReloadResult last) {}
}
