package dev.sluice.config;

import java.util.Set;

/** Reads the {@code quality:} section. */
final class QualityParser {
    private QualityParser() {}

    static QualityConfig parse(YamlNode node, YamlNode evaluators, java.util.Collection<String> models) {
        java.util.List<QualityConfig.Evaluator> list = evaluators(evaluators, models);
        if (node == null) {
            return new QualityConfig(QualityConfig.ModelChange.DEFAULTS, QualityConfig.Drift.DEFAULTS, list);
        }
        node.allowOnly(Set.of("model_change", "drift"));
        return new QualityConfig(modelChange(node.get("model_change")), drift(node.get("drift")), list);
    }

    /** The {@code evaluators:} list; the checks themselves are validated when the gateway builds them. */
    private static java.util.List<QualityConfig.Evaluator> evaluators(YamlNode node, java.util.Collection<String> models) {
        java.util.List<QualityConfig.Evaluator> out = new java.util.ArrayList<>();
        if (node == null) {
            return out;
        }
        Set<String> names = new java.util.HashSet<>();
        for (YamlNode e : node.items()) {
            e.allowOnly(Set.of("name", "version", "assert", "models", "prompts", "keys", "teams", "sample_rate",
                    "max_per_minute", "daily_usd", "judge_model"));
            String name = e.requiredString("name", "name the evaluator, e.g. name: valid-json");
            if (!name.matches("[A-Za-z0-9_.-]{1,48}")) {
                throw e.get("name").error("evaluator name '" + name + "' is not allowed",
                        "use 1 to 48 letters, digits, '_', '.' or '-'");
            }
            if (!names.add(name)) {
                throw e.get("name").error("a second evaluator is named '" + name + "'", "give each its own name");
            }
            YamlNode assertion = e.get("assert");
            if (assertion == null || !assertion.isMap()) {
                throw e.error("evaluator '" + name + "' has no assert", "add the check as in a suite, e.g. assert: {type: is-json}");
            }
            Set<String> watched = Set.copyOf(e.strings("models"));
            for (String m : watched) {
                if (!models.contains(m)) {
                    throw e.get("models").error("evaluator '" + name + "' names the unknown model '" + m + "'",
                            "use a model defined under models: (" + String.join(", ", models) + ")");
                }
            }
            String judge = e.string("judge_model", null);
            if (judge != null && !models.contains(judge)) {
                throw e.get("judge_model").error("the judge model '" + judge + "' is not defined", "define it under models:");
            }
            Double daily = e.get("daily_usd") == null ? null : e.number("daily_usd", 0, 0, 1_000_000);
            out.add(new QualityConfig.Evaluator(name, e.integer("version", 1, 1, 1_000_000), assertion, watched,
                    Set.copyOf(e.strings("prompts")), Set.copyOf(e.strings("keys")), Set.copyOf(e.strings("teams")),
                    e.number("sample_rate", 0.1, 0, 1), e.integer("max_per_minute", 60, 1, 100_000), daily, judge));
        }
        return out;
    }

    private static QualityConfig.Drift drift(YamlNode node) {
        QualityConfig.Drift d = QualityConfig.Drift.DEFAULTS;
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("enabled", "sample_rate", "max_per_minute", "horizon"));
        java.time.Duration horizon = node.duration("horizon", d.horizon());
        if (horizon.compareTo(java.time.Duration.ofMinutes(1)) < 0 || horizon.compareTo(java.time.Duration.ofDays(31)) > 0) {
            throw node.get("horizon").error("the drift horizon must be from 1m to 31d", "e.g. horizon: 25h");
        }
        return new QualityConfig.Drift(node.bool("enabled", true), node.number("sample_rate", d.sampleRate(), 0, 1),
                node.integer("max_per_minute", d.maxPerMinute(), 1, 100_000), horizon);
    }

    private static QualityConfig.ModelChange modelChange(YamlNode node) {
        QualityConfig.ModelChange d = QualityConfig.ModelChange.DEFAULTS;
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("enabled", "confirm_after", "fingerprint"));
        return new QualityConfig.ModelChange(node.bool("enabled", d.enabled()),
                node.integer("confirm_after", d.confirmAfter(), 1, 1000), node.bool("fingerprint", d.trackFingerprint()));
    }
}
