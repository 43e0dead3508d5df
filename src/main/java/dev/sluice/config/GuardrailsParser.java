package dev.sluice.config;

import dev.sluice.config.GuardrailsConfig.PolicyConfig;
import dev.sluice.config.GuardrailsConfig.RuleConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code guardrails:} section. Scanners are looked up in the scanner registry, whose
 * schemas type-check every option with file:line, so a typo in a policy stops start-up instead of
 * silently disabling a guardrail.
 */
final class GuardrailsParser {
    private GuardrailsParser() {}

    static GuardrailsConfig parse(YamlNode node, Set<String> modelNames, Map<String, ScannerSchema> scanners) {
        if (node == null) {
            return GuardrailsConfig.DISABLED;
        }
        node.allowOnly(Set.of("enabled", "redaction", "stream_holdback", "default_policy", "policies", "keys", "teams",
                "models", "scan_budget", "on_budget_exceeded", "input_scan", "parallel_scans", "reader_slots"));
        String redaction = node.string("redaction", "placeholder").strip().toLowerCase(Locale.ROOT);
        if (!redaction.equals("placeholder") && !redaction.equals("mask")) {
            throw node.get("redaction").error("unknown redaction '" + redaction + "'",
                    "use placeholder (reversible, restored in the answer) or mask");
        }
        Duration budget = node.duration("scan_budget", GuardrailsConfig.DEFAULT_SCAN_BUDGET);
        if (budget.isNegative() || budget.isZero()) {
            throw node.get("scan_budget").error("the scan budget must be positive", "e.g. 2s or 500ms");
        }
        String onBudget = node.string("on_budget_exceeded", "block").strip().toLowerCase(Locale.ROOT);
        if (!onBudget.equals("block") && !onBudget.equals("flag")) {
            throw node.get("on_budget_exceeded").error("unknown action '" + onBudget + "'",
                    "use block (refuse the request) or flag (let it through, recorded)");
        }
        String inputScan = inputScan(node, GuardrailsConfig.BEFORE);
        int parallelScans = node.integer("parallel_scans", GuardrailsConfig.defaultParallelScans(), 1, 100_000);
        int readerSlots = node.integer("reader_slots", GuardrailsConfig.defaultReaderSlots(), 0, 100_000);
        Map<String, PolicyConfig> policies = new LinkedHashMap<>();
        YamlNode policiesNode = node.get("policies");
        if (policiesNode != null) {
            for (Map.Entry<String, YamlNode> e : policiesNode.entries().entrySet()) {
                if (e.getKey().equals(GuardrailsConfig.NONE)) {
                    throw e.getValue().error("'none' is reserved: it means no guardrails", "pick another policy name");
                }
                policies.put(e.getKey(), policy(e.getKey(), e.getValue(), modelNames, scanners));
            }
        }
        String defaultPolicy = node.string("default_policy", policies.containsKey("default") ? "default" : null);
        if (defaultPolicy != null) {
            checkPolicy(node.get("default_policy") != null ? node.get("default_policy") : node, defaultPolicy, policies);
        }
        return new GuardrailsConfig(node.bool("enabled", true), redaction,
                node.integer("stream_holdback", 64, 16, 65_536), defaultPolicy, policies,
                bindings(node.get("keys"), policies), bindings(node.get("teams"), policies),
                bindings(node.get("models"), policies), budget, onBudget, inputScan, parallelScans, readerSlots);
    }

    /** {@code input_scan}: when the input rules that block or flag run, before the upstream call or alongside it. */
    private static String inputScan(YamlNode node, String fallback) {
        return node.choice("input_scan", fallback, List.of(GuardrailsConfig.BEFORE, GuardrailsConfig.PARALLEL),
                "input scan");
    }

    private static PolicyConfig policy(String name, YamlNode node, Set<String> modelNames,
                                       Map<String, ScannerSchema> scanners) {
        node.allowOnly(Set.of("input", "output", "input_scan"));
        return new PolicyConfig(name, rules(node.get("input"), "input", modelNames, scanners),
                rules(node.get("output"), "output", modelNames, scanners),
                node.get("input_scan") == null ? null : inputScan(node, null));
    }

    private static List<RuleConfig> rules(YamlNode node, String side, Set<String> modelNames,
                                          Map<String, ScannerSchema> scanners) {
        List<RuleConfig> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        Set<String> allowed = new TreeSet<>();
        Set<String> redactable = new TreeSet<>();
        for (ScannerSchema s : scanners.values()) {
            if (side.equals("input") ? s.input() : s.output()) {
                allowed.add(s.name());
            }
            if (s.redactable()) {
                redactable.add(s.name());
            }
        }
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            String name = e.getKey();
            YamlNode r = e.getValue();
            ScannerSchema scanner = scanners.get(name);
            if (scanner == null) {
                throw r.error("unknown scanner '" + name + "'", YamlNode.suggestion(name, allowed));
            }
            if (!allowed.contains(name)) {
                throw r.error("the scanner '" + name + "' does not run on the " + side,
                        "use one of " + String.join(", ", allowed));
            }
            String action;
            Double threshold = null;
            if (r.isMap()) {
                Set<String> keys = new TreeSet<>(scanner.options().keys());
                keys.add("action");
                keys.add("threshold");
                r.allowOnly(keys);
                action = r.string("action", "block");
                if (r.get("threshold") != null) {
                    threshold = r.number("threshold", 0.5, 0.0, 1.0);
                }
            } else {
                action = r.text();
            }
            Object options = scanner.options().read(r.asMapping());
            action = action.strip().toLowerCase(Locale.ROOT);
            YamlNode where = r.isMap() && r.get("action") != null ? r.get("action") : r;
            if (!Set.of("block", "redact", "flag").contains(action)) {
                throw where.error("unknown action '" + action + "'", "use block, redact or flag");
            }
            if (action.equals("redact") && !scanner.redactable()) {
                throw where.error("the scanner '" + name + "' finds no spans to redact",
                        "use block or flag; redact works for " + String.join(", ", redactable));
            }
            for (Map.Entry<String, String> ref : scanner.modelReferences(options).entrySet()) {
                if (!modelNames.contains(ref.getValue())) {
                    throw r.get(ref.getKey()).error("the " + name + " " + ref.getKey() + " '" + ref.getValue()
                            + "' is not configured", "use one of " + String.join(", ", modelNames));
                }
            }
            out.add(new RuleConfig(name, action, threshold, options));
        }
        return out;
    }

    private static Map<String, String> bindings(YamlNode node, Map<String, PolicyConfig> policies) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            String policy = e.getValue().text();
            checkPolicy(e.getValue(), policy, policies);
            out.put(e.getKey(), policy);
        }
        return out;
    }

    private static void checkPolicy(YamlNode where, String policy, Map<String, PolicyConfig> policies) {
        if (!policy.equals(GuardrailsConfig.NONE) && !policies.containsKey(policy)) {
            throw where.error("the policy '" + policy + "' is not defined",
                    "define it under guardrails.policies, or use one of " + String.join(", ", policies.keySet())
                            + " or none");
        }
    }
}
