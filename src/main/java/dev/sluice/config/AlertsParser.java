package dev.sluice.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads the {@code alerts:} section: the webhook, budget thresholds and alert rules. */
final class AlertsParser {
    private AlertsParser() {}

    static AlertsConfig parse(YamlNode node, Map<String, ModelConfig> models) {
        if (node == null) {
            return AlertsConfig.DEFAULTS;
        }
        node.allowOnly(Set.of("webhook", "budget_thresholds", "rules", "evaluation_interval"));
        String webhook = node.optionalHttpUrl("webhook", "give the webhook's full URL");
        List<Integer> thresholds = new ArrayList<>();
        YamlNode list = node.get("budget_thresholds");
        if (list == null) {
            thresholds.addAll(AlertsConfig.DEFAULTS.budgetThresholds());
        } else {
            for (YamlNode item : list.items()) {
                String text = item.text().strip();
                try {
                    int pct = Integer.parseInt(text);
                    if (pct < 1 || pct > 100) {
                        throw new NumberFormatException();
                    }
                    thresholds.add(pct);
                } catch (NumberFormatException e) {
                    throw item.error("'" + text + "' is not a percentage", "use whole numbers from 1 to 100, e.g. [50, 80, 100]");
                }
            }
        }
        Duration interval = node.duration("evaluation_interval", AlertsConfig.DEFAULT_EVALUATION_INTERVAL);
        if (interval.isZero()) {
            throw node.get("evaluation_interval").error("the evaluation interval must be positive", "e.g. 15s");
        }
        List<AlertRule> rules = new ArrayList<>();
        YamlNode ruleList = node.get("rules");
        if (ruleList != null) {
            Set<String> names = new HashSet<>();
            for (YamlNode r : ruleList.items()) {
                AlertRule rule = alertRule(r, models);
                if (!names.add(rule.name())) {
                    throw r.get("name").error("a second alert rule is named '" + rule.name() + "'", "give each rule its own name");
                }
                rules.add(rule);
            }
        }
        return new AlertsConfig(webhook, thresholds.stream().sorted().distinct().toList(), rules, interval);
    }

    private static AlertRule alertRule(YamlNode r, Map<String, ModelConfig> models) {
        r.allowOnly(Set.of("name", "metric", "model", "team", "window", "threshold", "min_samples", "priority", "message",
                "cooldown", "figure", "baseline"));
        String name = r.requiredString("name", "name the rule, e.g. name: high-error-rate");
        String metric = r.requiredString("metric", "use one of " + new TreeSet<>(AlertRule.METRICS));
        if (!AlertRule.METRICS.contains(metric)) {
            throw r.get("metric").unknown("alert metric", metric, AlertRule.METRICS);
        }
        String model = r.string("model", null);
        if (model != null && !models.containsKey(model)) {
            throw r.get("model").error("alert rule '" + name + "' names the unknown model '" + model + "'",
                    "use a model defined under models: (" + String.join(", ", models.keySet()) + ")");
        }
        Duration window = r.duration("window", Duration.ofMinutes(5));
        if (window.isZero()) {
            throw r.get("window").error("the window must be positive", "e.g. window: 5m");
        }
        YamlNode t = r.get("threshold");
        if (t == null) {
            throw r.error("alert rule '" + name + "' has no threshold", "add e.g. threshold: 5% (rates), 2s (latency) or 10 (USD)");
        }
        String raw = t.text().strip();
        double threshold;
        try {
            if (metric.equals(AlertRule.DRIFT)) {
                threshold = Double.parseDouble(raw);
                if (threshold < 0) {
                    throw new NumberFormatException();
                }
            } else if (metric.endsWith("_rate")) {
                threshold = raw.endsWith("%") ? Double.parseDouble(raw.substring(0, raw.length() - 1).strip()) / 100
                        : Double.parseDouble(raw);
                if (threshold < 0 || threshold > 1) {
                    throw t.error("'" + raw + "' is not a rate between 0 and 1", "write it as 5% or 0.05");
                }
            } else if (metric.equals(AlertRule.LATENCY_P99) || metric.equals(AlertRule.TTFT_P99)) {
                Duration d = Durations.parse(raw);
                if (d == null || d.isNegative()) {
                    throw new NumberFormatException();
                }
                threshold = d.toMillis() / 1000.0;
            } else {
                threshold = Double.parseDouble(raw.startsWith("$") ? raw.substring(1) : raw);
                if (threshold < 0) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw t.error("'" + raw + "' is not a valid threshold for " + metric,
                    metric.equals(AlertRule.DRIFT) ? "give the figure's value, e.g. 0.2"
                    : metric.endsWith("_rate") ? "write it as 5% or 0.05"
                            : metric.equals(AlertRule.SPEND) ? "give USD, e.g. 10 or 2.5" : "write a duration, e.g. 2s or 800ms");
        }
        int minSamples = r.integer("min_samples", metric.equals(AlertRule.SPEND) ? 1 : 10, 1, Integer.MAX_VALUE);
        String priority = r.string("priority", "P2").strip().toUpperCase(Locale.ROOT);
        if (!Set.of("P1", "P2", "P3").contains(priority)) {
            throw r.get("priority").error("unknown priority '" + priority + "'", "use P1 (act now), P2 or P3 (for information)");
        }
        String message = r.requiredString("message", "say what is wrong and where to look, e.g. 'Upstream errors on gpt-4o;"
                + " check the provider status page and /admin/logs?status=502'");
        Duration cooldown = r.duration("cooldown", Duration.ofMinutes(30));
        return new AlertRule(name, metric, model, r.string("team", null), window, threshold, minSamples, priority,
                message.strip(), cooldown, drift(r, metric, window));
    }

    /** A drift rule's figure and baseline; other metrics may not name them. */
    private static AlertRule.Drift drift(YamlNode r, String metric, Duration window) {
        if (!metric.equals(AlertRule.DRIFT)) {
            for (String key : List.of("figure", "baseline")) {
                if (r.get(key) != null) {
                    throw r.get(key).error(key + " is only for metric: drift", "remove it, or use metric: drift");
                }
            }
            return null;
        }
        String figure = r.requiredString("figure", "name the drift figure, one of " + new TreeSet<>(AlertRule.DRIFT_FIGURES));
        if (!AlertRule.DRIFT_FIGURES.contains(figure)) {
            throw r.get("figure").unknown("drift figure", figure, AlertRule.DRIFT_FIGURES);
        }
        if (r.get("team") != null) {
            throw r.get("team").error("drift rules watch a model's traffic, not a team's", "remove team, or use model:");
        }
        Duration baseline = r.duration("baseline", window.multipliedBy(24));
        if (baseline.isZero()) {
            throw r.get("baseline").error("the baseline window must be positive", "e.g. baseline: 24h");
        }
        return new AlertRule.Drift(figure, baseline);
    }
}
