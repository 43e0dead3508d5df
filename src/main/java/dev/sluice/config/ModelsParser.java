package dev.sluice.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the {@code models:} section: public model names, their deployments (checked against {@code providers:}) or complexity routes, and fallbacks; then the references between models. */
final class ModelsParser {
    /**
     * Error classes a fallback can name: the provider error classes' labels, plus
     * {@code no_deployment} (every deployment's breaker is open or it is at its in-flight limit), plus the
     * checks of a whole answer ({@code quality.AnswerCheck}: {@code empty}, {@code refusal}, {@code schema_invalid},
     * {@code guardrail_block}, and {@code judge_below: X}, written as a one-key map in the list).
     */
    static final Set<String> FALLBACK_CLASSES = Set.of("rate_limited", "server_error", "timeout",
            "connection_error", "malformed_response", "context_length_exceeded", "content_filter",
            "upstream_auth_error", "bad_request", "no_deployment", "empty", "refusal", "schema_invalid",
            "guardrail_block", "judge_below");

    private ModelsParser() {}

    static Map<String, ModelConfig> parse(YamlNode node, YamlNode root, Map<String, ProviderConfig> providers,
                                                   RoutingConfig routing) {
        if (node == null) {
            throw root.error("no models are configured",
                    "add a models: section mapping public names to providers, e.g. models: {gpt-4o: {provider: openai}}");
        }
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            YamlNode m = e.getValue();
            try {
                String type = m.string("type", "deployments");
                ModelConfig model = switch (type) {
                    case "deployments" -> deployed(e.getKey(), m, providers, routing);
                    case "complexity" -> complexity(e.getKey(), m);
                    default -> throw m.get("type").error("unknown model type '" + type + "'", "use deployments or complexity");
                };
                out.put(e.getKey(), model);
            } catch (ConfigException broken) {
                // every model's problem in one report; references between models are checked once all parse
                problems.addAll(broken.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        if (out.isEmpty()) {
            throw node.error("no models are configured", "add at least one model");
        }
        checkReferences(node, out);
        return out;
    }

    private static ModelConfig.Deployed deployed(String name, YamlNode m, Map<String, ProviderConfig> providers,
                                                 RoutingConfig routing) {
        m.allowOnly(Set.of("type", "provider", "model", "weight", "max_in_flight", "deployments", "strategy", "retries",
                "fallbacks", "timeouts"));
        List<ModelConfig.DeploymentConfig> deployments = new ArrayList<>();
        YamlNode list = m.get("deployments");
        if (list != null) {
            if (m.get("provider") != null) {
                throw m.error("give either provider/model or a deployments list, not both",
                        "move provider and model into the deployments list");
            }
            for (YamlNode d : list.items()) {
                deployments.add(deployment(d.allowOnly(Set.of("provider", "model", "weight", "max_in_flight")), name, providers));
            }
        } else {
            deployments.add(deployment(m, name, providers));
        }
        if (deployments.isEmpty()) {
            throw m.error("model '" + name + "' has no deployments", "add at least one deployment");
        }
        List<ModelConfig.FallbackConfig> fallbacks = new ArrayList<>();
        YamlNode fallbackList = m.get("fallbacks");
        if (fallbackList != null) {
            for (YamlNode f : fallbackList.items()) {
                f.allowOnly(Set.of("model", "on", "judge_model"));
                List<String> on = new ArrayList<>();
                Double judgeBelow = null;
                YamlNode onNode = f.get("on");
                List<YamlNode> items = onNode == null ? List.of() : onNode.isScalar() ? List.of(onNode) : onNode.items();
                for (YamlNode item : items) {
                    String cls;
                    if (item.isMap()) {
                        item.allowOnly(Set.of("judge_below"));
                        cls = "judge_below";
                        judgeBelow = item.number("judge_below", 0.5, 0, 1);
                    } else {
                        cls = item.text();
                    }
                    if (!FALLBACK_CLASSES.contains(cls)) {
                        throw onNode.error("unknown error class '" + cls + "'",
                                "use any of " + String.join(", ", FALLBACK_CLASSES.stream().sorted().toList()));
                    }
                    if (cls.equals("judge_below") && judgeBelow == null) {
                        throw onNode.error("judge_below needs a threshold", "write it as judge_below: 0.6 (a score 0..1)");
                    }
                    on.add(cls);
                }
                String judgeModel = f.string("judge_model", null);
                if (judgeBelow != null && judgeModel == null) {
                    throw f.error("judge_below needs a judge", "add judge_model: <a public model> to this fallback");
                }
                if (judgeBelow == null && judgeModel != null) {
                    throw f.get("judge_model").error("judge_model is only used by judge_below", "add judge_below: 0.6 to on:, or remove judge_model");
                }
                fallbacks.add(new ModelConfig.FallbackConfig(f.requiredString("model", "name the public model to fall back to"),
                        on.isEmpty() ? Set.of("rate_limited", "server_error", "timeout", "connection_error",
                                "malformed_response", "no_deployment") : Set.copyOf(on), judgeBelow, judgeModel));
            }
        }
        return new ModelConfig.Deployed(name, RoutingParser.strategy(m, routing.strategy()), deployments,
                m.integer("retries", routing.retries(), 0, 10), fallbacks, RoutingParser.timeouts(m.get("timeouts"), routing.timeouts()));
    }

    private static ModelConfig.Complexity complexity(String name, YamlNode m) {
        m.allowOnly(Set.of("type", "easy", "hard", "threshold", "examples"));
        return new ModelConfig.Complexity(name, m.requiredString("easy", "name the public model for easy requests"),
                m.requiredString("hard", "name the public model for hard requests"), m.number("threshold", 0.5, 0, 1),
                m.string("examples", null));
    }

    /** Fallbacks and complexity targets must name models that exist and serve directly. */
    private static void checkReferences(YamlNode node, Map<String, ModelConfig> models) {
        Map<String, YamlNode> entries = node.entries();
        for (ModelConfig model : models.values()) {
            YamlNode where = entries.get(model.name());
            switch (model) {
                case ModelConfig.Deployed d -> {
                    for (ModelConfig.FallbackConfig f : d.fallbacks()) {
                        requireDeployed(models, f.model(), where.get("fallbacks"), model.name());
                        if (f.judgeModel() != null) {
                            requireDeployed(models, f.judgeModel(), where.get("fallbacks"), model.name());
                        }
                    }
                }
                case ModelConfig.Complexity c -> {
                    requireDeployed(models, c.easy(), where.get("easy"), model.name());
                    requireDeployed(models, c.hard(), where.get("hard"), model.name());
                }
            }
        }
    }

    private static void requireDeployed(Map<String, ModelConfig> models, String target, YamlNode where, String from) {
        ModelConfig m = models.get(target);
        if (m == null) {
            throw where.error("model '" + target + "' is not defined", "define it under models:, or use one of "
                    + String.join(", ", models.keySet()));
        }
        if (!(m instanceof ModelConfig.Deployed) || target.equals(from)) {
            throw where.error("model '" + target + "' cannot be used here", "point at a model with deployments, other than '"
                    + from + "' itself");
        }
    }

    private static ModelConfig.DeploymentConfig deployment(YamlNode d, String modelName, Map<String, ProviderConfig> providers) {
        String provider = d.requiredString("provider", "name the provider that serves '" + modelName + "'");
        if (!providers.containsKey(provider)) {
            throw d.get("provider").error("provider '" + provider + "' is not defined",
                    "define it under providers:, or use one of " + String.join(", ", providers.keySet()));
        }
        return new ModelConfig.DeploymentConfig(provider, d.string("model", modelName), d.integer("weight", 1, 0, 1_000_000),
                d.integer("max_in_flight", 0, 0, 1_000_000));
    }

    /** The entries of a per-model mapping (cache.models, limits.models), each key a model defined under models:. */
    static Map<String, YamlNode> perModel(YamlNode mapping, Map<String, ModelConfig> models) {
        Map<String, YamlNode> entries = mapping.entries();
        for (Map.Entry<String, YamlNode> e : entries.entrySet()) {
            if (!models.containsKey(e.getKey())) {
                throw e.getValue().error("model '" + e.getKey() + "' is not defined under models:",
                        YamlNode.suggestion(e.getKey(), models.keySet()));
            }
        }
        return entries;
    }
}
