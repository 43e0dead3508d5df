package dev.sluice.config;

import java.time.Duration;

/** How long each kind of record is kept; a background job deletes older rows. Null = forever. */
public record RetentionConfig(Duration requestLog, Duration spans, Duration bodies, Duration audit, Duration feedback,
                              Duration interval, Duration evalRuns) {
    public static final RetentionConfig DEFAULTS = new RetentionConfig(Duration.ofDays(30), Duration.ofDays(7),
            Duration.ofDays(3), Duration.ofDays(400), Duration.ofDays(90), Duration.ofHours(1), Duration.ofDays(180));

    /** Without {@code eval_runs:} (kept for the default). */
    public RetentionConfig(Duration requestLog, Duration spans, Duration bodies, Duration audit, Duration feedback,
                           Duration interval) {
        this(requestLog, spans, bodies, audit, feedback, interval, DEFAULTS.evalRuns());
    }
}
