package dev.sluice.alert;

/** Where alerts go: {@link AlertSink} (the log, and a webhook when configured). */
@FunctionalInterface
public interface AlertChannel {
    void send(Alert alert);
}
