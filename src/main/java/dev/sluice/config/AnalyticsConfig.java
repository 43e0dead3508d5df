package dev.sluice.config;

import java.time.Duration;

/**
 * What one aggregate of the analytics API ({@code GET /admin/analytics/stats}) may cost; any admin
 * role, viewers included, can ask for one, so each is bounded. Going over a cap is a 400 that names it.
 *
 * @param maxRows      request-log rows one aggregate may read
 * @param maxGroups    (time bucket, group) pairs one answer may hold
 * @param queryTimeout how long one aggregate may run (a statement timeout on PostgreSQL, an interrupt on SQLite)
 */
public record AnalyticsConfig(long maxRows, int maxGroups, Duration queryTimeout) {
    public static final AnalyticsConfig DEFAULTS = new AnalyticsConfig(2_000_000, 10_000, Duration.ofSeconds(30));
}
