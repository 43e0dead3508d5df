package dev.sluice.config;

import java.util.Set;

/** Reads the {@code quality:} section. */
final class QualityParser {
    private QualityParser() {}

    static QualityConfig parse(YamlNode node) {
        if (node == null) {
            return QualityConfig.DEFAULTS;
        }
        node.allowOnly(Set.of("model_change"));
        return new QualityConfig(modelChange(node.get("model_change")));
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
