package dev.sluice.config;

import java.util.Set;

/** Reads the {@code quality:} section. */
final class QualityParser {
    private QualityParser() {}

    static QualityConfig parse(YamlNode node) {
        if (node == null) {
            return QualityConfig.DEFAULTS;
        }
        node.allowOnly(Set.of("model_change", "drift"));
        return new QualityConfig(modelChange(node.get("model_change")), drift(node.get("drift")));
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
