package dev.sluice.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the {@code cache:} section: scope, TTLs, sizes, the semantic index and per-model rules. */
final class CacheParser {
    private CacheParser() {}

    static CacheConfig parse(YamlNode node, Map<String, ModelConfig> models) {
        CacheConfig defaults = CacheConfig.off();
        if (node == null) {
            return defaults;
        }
        node.allowOnly(Set.of("enabled", "scope", "ttl", "max_ttl", "max_entries", "only_deterministic", "redis",
                "redis_prefix", "semantic", "models"));
        String scopeText = node.string("scope", "team").strip().toLowerCase(Locale.ROOT);
        CacheConfig.Scope scope = switch (scopeText) {
            case "key" -> CacheConfig.Scope.KEY;
            case "team" -> CacheConfig.Scope.TEAM;
            case "global" -> CacheConfig.Scope.GLOBAL;
            default -> throw node.get("scope").error("unknown cache scope '" + scopeText + "'",
                    "use key (one virtual key), team (default) or global (every caller shares answers)");
        };
        Duration ttl = positive(node, "ttl", defaults.ttl());
        Duration maxTtl = positive(node, "max_ttl", defaults.maxTtl());
        if (ttl.compareTo(maxTtl) > 0) {
            throw node.get("ttl").error("ttl " + ttl + " is longer than max_ttl " + maxTtl, "raise max_ttl or lower ttl");
        }
        CacheConfig.Semantic semantic = defaults.semantic();
        YamlNode s = node.get("semantic");
        if (s != null) {
            s.allowOnly(Set.of("enabled", "threshold", "max_entries", "max_question_chars", "path"));
            semantic = new CacheConfig.Semantic(s.bool("enabled", true),
                    s.number("threshold", CacheConfig.DEFAULT_THRESHOLD, 0.5, 1.0),
                    s.integer("max_entries", semantic.maxEntries(), 1, 10_000_000),
                    s.integer("max_question_chars", semantic.maxQuestionChars(), 1, 100_000), s.string("path", null));
        } else {
            semantic = new CacheConfig.Semantic(true, semantic.threshold(), semantic.maxEntries(),
                    semantic.maxQuestionChars(), null);
        }
        Map<String, CacheConfig.ModelRule> rules = new LinkedHashMap<>();
        YamlNode m = node.get("models");
        if (m != null) {
            for (Map.Entry<String, YamlNode> e : ModelsParser.perModel(m, models).entrySet()) {
                YamlNode r = e.getValue().allowOnly(Set.of("enabled", "ttl", "semantic", "threshold"));
                Duration modelTtl = r.get("ttl") == null ? null : positive(r, "ttl", null);
                if (modelTtl != null && modelTtl.compareTo(maxTtl) > 0) {
                    throw r.get("ttl").error("ttl " + modelTtl + " is longer than max_ttl " + maxTtl,
                            "raise cache.max_ttl or lower this ttl");
                }
                rules.put(e.getKey(), new CacheConfig.ModelRule(
                        r.get("enabled") == null ? null : r.bool("enabled", true), modelTtl,
                        r.get("semantic") == null ? null : r.bool("semantic", true),
                        r.get("threshold") == null ? null : r.number("threshold", 0, 0.5, 1.0)));
            }
        }
        String prefix = node.string("redis_prefix", defaults.redisPrefix());
        if (prefix.isBlank()) {
            throw node.get("redis_prefix").error("the Redis key prefix is empty", "use e.g. sluice:cache:");
        }
        return new CacheConfig(node.bool("enabled", true), scope, ttl, maxTtl,
                node.integer("max_entries", defaults.maxEntries(), 1, 100_000_000),
                node.bool("only_deterministic", true), node.bool("redis", true), prefix, semantic, rules);
    }

    private static Duration positive(YamlNode node, String key, Duration fallback) {
        Duration d = node.duration(key, fallback);
        if (d != null && d.isZero()) {
            throw node.get(key).error("'" + key + "' must be longer than zero", "write it like 10m, 1h or 7d");
        }
        return d;
    }
}
