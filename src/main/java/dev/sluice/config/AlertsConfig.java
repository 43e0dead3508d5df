package dev.sluice.config;

import java.time.Duration;
import java.util.List;

/**
 * Where alerts go, when budget alerts fire, and the alert rules over live traffic.
 *
 * @param webhook            URL receiving Slack-compatible JSON, or null for the log only
 * @param budgetThresholds   percentages of a budget that raise an alert, once per period each
 * @param rules              alert rules (error rate, p99 latency, TTFT, spend, guardrail triggers, negative feedback)
 * @param evaluationInterval how often the rules are evaluated
 */
public record AlertsConfig(String webhook, List<Integer> budgetThresholds, List<AlertRule> rules,
                           Duration evaluationInterval) {
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(15);
    public static final AlertsConfig DEFAULTS = new AlertsConfig(null, List.of(50, 80, 100), List.of(),
            DEFAULT_EVALUATION_INTERVAL);

    public AlertsConfig {
        budgetThresholds = List.copyOf(budgetThresholds);
        rules = rules == null ? List.of() : List.copyOf(rules);
        evaluationInterval = evaluationInterval == null ? DEFAULT_EVALUATION_INTERVAL : evaluationInterval;
    }
}
