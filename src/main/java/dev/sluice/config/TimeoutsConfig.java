package dev.sluice.config;

import java.time.Duration;

/**
 * Per-attempt timeouts; null = none (the provider's {@code timeout} still caps each wait for a byte).
 *
 * @param ttft  until the first content of a stream (a timeout here can still fall back)
 * @param idle  between two chunks of a stream, and for any single read
 * @param total the whole attempt
 */
public record TimeoutsConfig(Duration ttft, Duration idle, Duration total) {
    public static final TimeoutsConfig NONE = new TimeoutsConfig(null, null, null);

    /** This config's values, with {@code defaults} filling what is unset. */
    public TimeoutsConfig orElse(TimeoutsConfig defaults) {
        return new TimeoutsConfig(ttft != null ? ttft : defaults.ttft, idle != null ? idle : defaults.idle,
                total != null ? total : defaults.total);
    }
}
