package dev.sluice.config;

import dev.sluice.config.GuardrailsConfig.NamedPattern;
import dev.sluice.config.GuardrailsConfig.PolicyConfig;
import dev.sluice.config.GuardrailsConfig.RuleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code guardrails:} section. Every scanner option is type-checked here, with file:line,
 * so a typo in a policy stops start-up instead of silently disabling a guardrail.
 */
final class GuardrailsParser {
    private enum Kind { INT, NUMBER, BOOL, STRING, STRINGS, REGEXES, PATTERNS, PATH, REGIONS, SCRIPTS, ENTITIES, SECRET_TYPES }

    private static final Map<String, Map<String, Kind>> OPTIONS = Map.ofEntries(
            Map.entry("prompt_injection", Map.of("heuristics", Kind.BOOL, "classifier", Kind.BOOL)),
            Map.entry("pii", Map.of("entities", Kind.ENTITIES, "phone_regions", Kind.REGIONS, "custom", Kind.PATTERNS)),
            Map.entry("secrets", Map.of("types", Kind.SECRET_TYPES, "custom", Kind.PATTERNS)),
            Map.entry("invisible_text", Map.of()),
            Map.entry("limits", Map.of("max_chars", Kind.INT, "scripts", Kind.SCRIPTS)),
            Map.entry("banned", Map.of("phrases", Kind.STRINGS, "patterns", Kind.REGEXES, "topics", Kind.STRINGS,
                    "topic_threshold", Kind.NUMBER)),
            Map.entry("urls", Map.of("allow", Kind.STRINGS)),
            Map.entry("toxicity", Map.of("model", Kind.PATH, "tokenizer", Kind.PATH, "labels", Kind.STRINGS,
                    "words", Kind.STRINGS)),
            Map.entry("system_prompt_leak", Map.of("canary", Kind.BOOL, "min_overlap_words", Kind.INT)),
            Map.entry("json_schema", Map.of("reask", Kind.BOOL)),
            Map.entry("groundedness", Map.of("min_words", Kind.INT)),
            Map.entry("judge", Map.of("model", Kind.STRING, "criteria", Kind.STRING, "fail_closed", Kind.BOOL)));

    private GuardrailsParser() {}

    static GuardrailsConfig parse(YamlNode node, Set<String> modelNames) {
        if (node == null) {
            return GuardrailsConfig.DISABLED;
        }
        node.allowOnly(Set.of("enabled", "redaction", "stream_holdback", "default_policy", "policies", "keys", "teams",
                "models"));
        String redaction = node.string("redaction", "placeholder").strip().toLowerCase(Locale.ROOT);
        if (!redaction.equals("placeholder") && !redaction.equals("mask")) {
            throw node.get("redaction").error("unknown redaction '" + redaction + "'",
                    "use placeholder (reversible, restored in the answer) or mask");
        }
        Map<String, PolicyConfig> policies = new LinkedHashMap<>();
        YamlNode policiesNode = node.get("policies");
        if (policiesNode != null) {
            for (Map.Entry<String, YamlNode> e : policiesNode.entries().entrySet()) {
                if (e.getKey().equals(GuardrailsConfig.NONE)) {
                    throw e.getValue().error("'none' is reserved: it means no guardrails", "pick another policy name");
                }
                policies.put(e.getKey(), policy(e.getKey(), e.getValue(), modelNames));
            }
        }
        String defaultPolicy = node.string("default_policy", policies.containsKey("default") ? "default" : null);
        if (defaultPolicy != null) {
            checkPolicy(node.get("default_policy") != null ? node.get("default_policy") : node, defaultPolicy, policies);
        }
        return new GuardrailsConfig(node.bool("enabled", true), redaction,
                node.integer("stream_holdback", 64, 16, 65_536), defaultPolicy, policies,
                bindings(node.get("keys"), policies), bindings(node.get("teams"), policies),
                bindings(node.get("models"), policies));
    }

    private static PolicyConfig policy(String name, YamlNode node, Set<String> modelNames) {
        node.allowOnly(Set.of("input", "output"));
        return new PolicyConfig(name, rules(node.get("input"), GuardrailsConfig.INPUT_SCANNERS, "input", modelNames),
                rules(node.get("output"), GuardrailsConfig.OUTPUT_SCANNERS, "output", modelNames));
    }

    private static List<RuleConfig> rules(YamlNode node, Set<String> allowed, String direction, Set<String> modelNames) {
        List<RuleConfig> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            String scanner = e.getKey();
            YamlNode r = e.getValue();
            if (!allowed.contains(scanner)) {
                boolean otherSide = GuardrailsConfig.INPUT_SCANNERS.contains(scanner)
                        || GuardrailsConfig.OUTPUT_SCANNERS.contains(scanner);
                throw r.error(otherSide ? "the scanner '" + scanner + "' does not run on the " + direction
                                : "unknown scanner '" + scanner + "'",
                        "use one of " + String.join(", ", new TreeSet<>(allowed)));
            }
            String action;
            Double threshold = null;
            Map<String, Object> options = new LinkedHashMap<>();
            if (r.isMap()) {
                Set<String> keys = new TreeSet<>(OPTIONS.get(scanner).keySet());
                keys.add("action");
                keys.add("threshold");
                r.allowOnly(keys);
                action = r.string("action", "block");
                if (r.get("threshold") != null) {
                    threshold = r.number("threshold", 0.5, 0.0, 1.0);
                }
                for (Map.Entry<String, Kind> o : OPTIONS.get(scanner).entrySet()) {
                    if (r.get(o.getKey()) != null) {
                        options.put(o.getKey(), option(r, o.getKey(), o.getValue()));
                    }
                }
            } else {
                action = r.text();
            }
            action = action.strip().toLowerCase(Locale.ROOT);
            YamlNode where = r.isMap() && r.get("action") != null ? r.get("action") : r;
            if (!Set.of("block", "redact", "flag").contains(action)) {
                throw where.error("unknown action '" + action + "'", "use block, redact or flag");
            }
            if (action.equals("redact") && !GuardrailsConfig.REDACTABLE.contains(scanner)) {
                throw where.error("the scanner '" + scanner + "' finds no spans to redact",
                        "use block or flag; redact works for " + String.join(", ", new TreeSet<>(GuardrailsConfig.REDACTABLE)));
            }
            if (scanner.equals("judge")) {
                Object model = options.get("model");
                if (model == null) {
                    throw r.error("the judge needs a model", "add model: <one of the models: section's names>");
                }
                if (!modelNames.contains((String) model)) {
                    throw r.get("model").error("the judge model '" + model + "' is not configured",
                            "use one of " + String.join(", ", modelNames));
                }
            }
            out.add(new RuleConfig(scanner, action, threshold, options));
        }
        return out;
    }

    private static Object option(YamlNode r, String key, Kind kind) {
        YamlNode v = r.get(key);
        return switch (kind) {
            case INT -> r.integer(key, 0, 1, Integer.MAX_VALUE);
            case NUMBER -> r.number(key, 0, 0, 1);
            case BOOL -> r.bool(key, false);
            case STRING -> r.requiredString(key, "give " + key + " a value");
            case STRINGS -> r.strings(key);
            case PATH -> {
                String path = v.text();
                if (!Files.isRegularFile(Path.of(path))) {
                    throw v.error("the file '" + path + "' does not exist", "give the path of an existing file");
                }
                yield path;
            }
            case REGEXES -> {
                List<String> patterns = r.strings(key);
                for (int i = 0; i < patterns.size(); i++) {
                    compile(v, patterns.get(i));
                }
                yield patterns;
            }
            case PATTERNS -> {
                List<NamedPattern> out = new ArrayList<>();
                for (YamlNode item : v.items()) {
                    item.allowOnly(Set.of("name", "pattern"));
                    String name = item.requiredString("name", "name the pattern, e.g. employee_id");
                    if (!name.matches("[a-z][a-z0-9_]*")) {
                        throw item.get("name").error("'" + name + "' is not a valid name", "use lower_snake_case");
                    }
                    String pattern = item.requiredString("pattern", "give a Java regular expression");
                    compile(item.get("pattern"), pattern);
                    out.add(new NamedPattern(name, pattern));
                }
                yield out;
            }
            case REGIONS -> {
                List<String> regions = new ArrayList<>();
                for (String region : r.strings(key)) {
                    String upper = region.strip().toUpperCase(Locale.ROOT);
                    if (!upper.matches("[A-Z]{2}")) {
                        throw v.error("'" + region + "' is not a region code", "use ISO 3166 codes like US, GB, DE");
                    }
                    regions.add(upper);
                }
                yield regions;
            }
            case SCRIPTS -> {
                List<String> scripts = new ArrayList<>();
                for (String script : r.strings(key)) {
                    try {
                        scripts.add(Character.UnicodeScript.forName(script.strip()).name());
                    } catch (IllegalArgumentException e) {
                        throw v.error("'" + script + "' is not a Unicode script", "use names like Latin, Cyrillic, Han, Arabic");
                    }
                }
                yield scripts;
            }
            case ENTITIES -> subset(v, r.strings(key), GuardrailsConfig.PII_ENTITIES);
            case SECRET_TYPES -> subset(v, r.strings(key), GuardrailsConfig.SECRET_TYPES);
        };
    }

    private static List<String> subset(YamlNode v, List<String> given, List<String> known) {
        for (String g : given) {
            if (!known.contains(g)) {
                throw v.error("unknown type '" + g + "'", "use any of " + String.join(", ", known));
            }
        }
        return given;
    }

    private static void compile(YamlNode where, String pattern) {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw where.error("'" + pattern + "' is not a valid regular expression (" + e.getDescription() + ")",
                    "fix the pattern; it is a Java regex, and in YAML single quotes keep backslashes as they are");
        }
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
