package dev.sluice.config;

/**
 * A problem in the config, reported as {@code file:line: key: what is wrong. Fix: what to do}.
 * Start-up stops on it; nothing runs half-configured.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
