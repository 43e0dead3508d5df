package dev.sluice.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads the {@code limits:} section: default quotas per key, team and user, and per-model limits. */
final class LimitsParser {
    private LimitsParser() {}

    static LimitsConfig parse(YamlNode node, Map<String, ModelConfig> models) {
        if (node == null) {
            return LimitsConfig.NONE;
        }
        node.allowOnly(Set.of("key", "team", "user", "models", "estimated_output_tokens"));
        Map<String, Quota> perModel = new LinkedHashMap<>();
        YamlNode modelNode = node.get("models");
        if (modelNode != null) {
            for (Map.Entry<String, YamlNode> e : ModelsParser.perModel(modelNode, models).entrySet()) {
                Quota q = quota(e.getValue());
                if (q.dailyUsd() != null || q.monthlyUsd() != null) {
                    throw e.getValue().error("budgets are per key, team or user, not per model",
                            "keep rpm, tpm and concurrency here");
                }
                perModel.put(e.getKey(), q);
            }
        }
        return new LimitsConfig(quota(node.get("key")), quota(node.get("team")), quota(node.get("user")), perModel,
                node.integer("estimated_output_tokens", 256, 0, 1_000_000));
    }

    private static Quota quota(YamlNode node) {
        if (node == null) {
            return Quota.NONE;
        }
        node.allowOnly(Set.of("rpm", "tpm", "concurrency", "daily_usd", "monthly_usd"));
        return new Quota(optionalInt(node, "rpm"), optionalInt(node, "tpm"), optionalInt(node, "concurrency"),
                optionalUsd(node, "daily_usd"), optionalUsd(node, "monthly_usd"));
    }

    private static Integer optionalInt(YamlNode node, String key) {
        return node.get(key) == null ? null : node.integer(key, 0, 1, Integer.MAX_VALUE);
    }

    private static Double optionalUsd(YamlNode node, String key) {
        return node.get(key) == null ? null : node.number(key, 0, 0, 1e12);
    }
}
