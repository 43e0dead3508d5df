package dev.sluice.config;

import java.time.Duration;
import java.util.Set;

/** Reads the {@code analytics:} section: the caps of one aggregate. */
final class AnalyticsParser {
    private AnalyticsParser() {}

    static AnalyticsConfig parse(YamlNode node) {
        AnalyticsConfig d = AnalyticsConfig.DEFAULTS;
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("max_rows", "max_groups", "query_timeout"));
        long maxRows = node.longInteger("max_rows", d.maxRows());
        if (maxRows < 1) {
            throw node.get("max_rows").error("max_rows must be at least 1", "e.g. 2000000");
        }
        Duration timeout = node.duration("query_timeout", d.queryTimeout());
        if (timeout.isZero()) {
            throw node.get("query_timeout").error("query_timeout must be positive", "e.g. 30s");
        }
        return new AnalyticsConfig(maxRows, node.integer("max_groups", d.maxGroups(), 1, 1_000_000), timeout);
    }
}
