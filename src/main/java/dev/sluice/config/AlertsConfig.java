package dev.sluice.config;

import java.util.List;

/**
 * Where alerts go and when budget alerts fire.
 *
 * @param webhook          URL receiving Slack-compatible JSON, or null for the log only
 * @param budgetThresholds percentages of a budget that raise an alert, once per period each
 */
public record AlertsConfig(String webhook, List<Integer> budgetThresholds) {
    public static final AlertsConfig DEFAULTS = new AlertsConfig(null, List.of(50, 80, 100));

    public AlertsConfig {
        budgetThresholds = List.copyOf(budgetThresholds);
    }
}
