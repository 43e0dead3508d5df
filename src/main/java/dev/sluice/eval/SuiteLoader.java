package dev.sluice.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.config.ConfigException;
import dev.sluice.config.YamlNode;
import dev.sluice.eval.score.Scorers;
import dev.sluice.prompts.PromptRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an evaluation suite in promptfoo's YAML format (the subset real suites use; see
 * docs/eval.md). Everything is checked when the suite loads: an unknown key, an unsupported
 * provider or assertion type, a bad regex or schema fails with the file, the line and the fix,
 * before any model is called. {@code file://} references are relative to the suite's folder.
 */
public final class SuiteLoader {
    private static final Set<String> TOP = Set.of("description", "prompts", "providers", "targets", "tests",
            "defaultTest", "evaluateOptions", "outputPath");
    private static final Set<String> TEST_KEYS = Set.of("description", "vars", "assert", "threshold", "options", "metadata");
    private static final Set<String> DEFAULT_TEST_KEYS = Set.of("vars", "assert", "threshold", "options", "metadata");
    private static final Set<String> ASSERT_KEYS = Set.of("type", "value", "threshold", "weight", "metric", "provider",
            "rubricPrompt");
    private static final Set<String> TEST_OPTIONS = Set.of("provider");
    private static final Set<String> EVALUATE_OPTIONS = Set.of("maxConcurrency", "repeat");
    private static final Set<String> PROVIDER_KEYS = Set.of("id", "label", "config");
    /** OpenAI request parameters a provider's {@code config} may set (sent as they are). */
    static final Set<String> REQUEST_PARAMS = Set.of("temperature", "max_tokens", "max_completion_tokens", "top_p",
            "frequency_penalty", "presence_penalty", "seed", "stop", "response_format", "tools", "tool_choice",
            "parallel_tool_calls", "reasoning_effort", "logit_bias", "user", "metadata");
    /** Connection settings of a provider's {@code config}: promptfoo's names. */
    static final Set<String> CONNECTION_PARAMS = Set.of("apiBaseUrl", "apiKey");

    /** Reads a gateway dataset's items ({@code GET /admin/datasets/NAME}'s {@code data}). */
    @FunctionalInterface
    public interface DatasetSource {
        JsonNode items(String name);
    }

    private final Scorers scorers;
    private final SuiteFiles files;
    private final DatasetSource datasets;

    public SuiteLoader(Scorers scorers) {
        this(scorers, null);
    }

    /** @param datasets resolves {@code sluice://datasets/NAME}, or null when no gateway is at hand */
    public SuiteLoader(Scorers scorers, DatasetSource datasets) {
        this.scorers = scorers;
        this.files = new SuiteFiles(this);
        this.datasets = datasets;
    }

    List<TestCase> dataset(YamlNode where, String name) {
        if (datasets == null) {
            throw where.error("sluice://datasets/" + name + " needs the gateway", "run the suite with sluice eval and an admin key (--admin-key or SLUICE_ADMIN_KEY)");
        }
        try {
            return DatasetFiles.tests(name, datasets.items(name));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw where.error("cannot read dataset '" + name + "': " + e.getMessage(), null);
        }
    }

    public Suite load(java.nio.file.Path file) {
        String text = SuiteFiles.read(file, file.toString());
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    public Suite parse(String yaml, String fileName, java.nio.file.Path dir) {
        YamlNode root = YamlNode.parse(yaml, fileName);
        if (!root.isMap()) {
            throw root.error("a suite is a mapping with prompts:, providers: and tests:", null);
        }
        root.allowOnly(TOP);
        if (root.get("providers") != null && root.get("targets") != null) {
            throw root.get("targets").error("both providers: and targets: are set", "keep one of them (they are the same)");
        }
        YamlNode providerNode = root.get("providers") != null ? root.get("providers") : root.get("targets");
        if (providerNode == null) {
            throw root.error("missing required key 'providers'", "list the models, e.g. providers: [openai:chat:gpt-4o-mini]");
        }
        List<Target> targets = targets(providerNode);
        // registry prompts bring their own messages: a suite of only those needs no prompts of its own
        // (when it has some, their messages follow the registry prompt's)
        List<EvalPrompt> prompts = root.get("prompts") == null && targets.stream().allMatch(t -> t.prompt() != null)
                ? List.of(new EvalPrompt(EvalPrompt.REGISTRY_ONLY, List.of()))
                : prompts(required(root, "prompts", "list the prompts, e.g. prompts: ['Tell me about {{topic}}']"), dir);

        Defaults defaults = Defaults.NONE;
        String grader = null;
        YamlNode defaultTest = root.get("defaultTest");
        if (defaultTest != null) {
            defaultTest.allowOnly(DEFAULT_TEST_KEYS);
            defaults = new Defaults(vars(defaultTest.get("vars"), dir), asserts(defaultTest.get("assert"), dir),
                    threshold(defaultTest), metadata(defaultTest.get("metadata")));
            grader = optionsProvider(defaultTest);
        }
        List<TestCase> tests = new ArrayList<>();
        YamlNode testsNode = root.get("tests");
        if (testsNode != null) {
            for (YamlNode t : testsNode.isList() ? testsNode.items() : List.of(testsNode)) {
                if (t.isScalar()) {
                    for (TestCase raw : files.tests(t, dir)) {
                        tests.add(defaults.apply(raw));
                    }
                } else {
                    tests.add(defaults.apply(test(t, dir)));
                }
            }
        }
        if (tests.isEmpty()) {
            tests.add(defaults.apply(new TestCase(null, Map.of(), List.of(), null, Map.of(), fileName)));
        }
        int maxConcurrency = 0;
        int repeat = 0;
        YamlNode options = root.get("evaluateOptions");
        if (options != null) {
            options.allowOnly(EVALUATE_OPTIONS);
            maxConcurrency = options.integer("maxConcurrency", 0, 1, 256);
            repeat = options.integer("repeat", 0, 1, 100);
        }
        return new Suite(fileName, root.string("description", null), prompts, targets, tests, maxConcurrency, repeat, grader,
                root.strings("outputPath"));
    }

    private static YamlNode required(YamlNode root, String key, String fix) {
        YamlNode node = root.get(key);
        if (node == null) {
            throw root.error("missing required key '" + key + "'", fix);
        }
        return node;
    }

    private List<EvalPrompt> prompts(YamlNode node, java.nio.file.Path dir) {
        List<EvalPrompt> out = new ArrayList<>();
        for (YamlNode p : node.isList() ? node.items() : List.of(node)) {
            if (p.isScalar()) {
                out.addAll(files.prompts(p, p.text(), null, dir));
            } else {
                p.allowOnly(Set.of("id", "raw", "label"));
                String label = p.string("label", null);
                if (p.get("raw") != null) {
                    out.addAll(files.prompts(p.get("raw"), p.get("raw").text(), label, dir));
                } else if (p.get("id") != null) {
                    out.addAll(files.prompts(p.get("id"), p.get("id").text(), label, dir));
                } else {
                    throw p.error("a prompt needs raw: (its text) or id: (a file:// path)", null);
                }
            }
        }
        if (out.isEmpty()) {
            throw node.error("no prompts", "list at least one prompt");
        }
        return out;
    }

    private List<Target> targets(YamlNode node) {
        List<Target> out = new ArrayList<>();
        for (YamlNode p : node.isList() ? node.items() : List.of(node)) {
            if (p.isScalar()) {
                out.add(target(p, p.text(), null, null));
            } else {
                p.allowOnly(PROVIDER_KEYS);
                YamlNode id = p.get("id");
                if (id == null) {
                    throw p.error("missing required key 'id'", "name the model, e.g. id: openai:chat:gpt-4o-mini");
                }
                out.add(target(id, id.text(), p.string("label", null), p.get("config")));
            }
        }
        return out;
    }

    private static Target target(YamlNode where, String id, String label, YamlNode config) {
        PromptRef prompt = registryPrompt(where, id);
        String model = prompt == null ? modelOf(where, id) : null;
        ObjectNode params = Json.object();
        String baseUrl = null;
        String apiKey = null;
        if (config != null) {
            Set<String> known = new java.util.TreeSet<>(REQUEST_PARAMS);
            known.addAll(CONNECTION_PARAMS);
            if (prompt != null) {
                known.add("model"); // overrides the model the registry prompt was written for
            }
            config.allowOnly(known);
            for (Map.Entry<String, YamlNode> e : config.entries().entrySet()) {
                switch (e.getKey()) {
                    case "apiBaseUrl" -> baseUrl = e.getValue().text();
                    case "apiKey" -> apiKey = e.getValue().text();
                    case "model" -> model = e.getValue().text();
                    default -> params.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue().value()));
                }
            }
        }
        return new Target(id, label, model, params, baseUrl, apiKey, prompt);
    }

    /** {@code sluice:prompt:NAME}, {@code sluice:prompt:NAME@3} or {@code sluice:prompt:NAME:LABEL}; null for other ids. */
    static PromptRef registryPrompt(YamlNode where, String id) {
        String prefix = "sluice:prompt:";
        if (!id.startsWith(prefix)) {
            return null;
        }
        try {
            return PromptRef.parse(id.substring(prefix.length()), "providers");
        } catch (dev.sluice.api.SluiceException e) {
            throw where.error("invalid registry prompt '" + id + "': " + e.getMessage(),
                    "write sluice:prompt:NAME, sluice:prompt:NAME@VERSION or sluice:prompt:NAME:LABEL");
        }
    }

    /**
     * The gateway model of a provider id: {@code openai:chat:MODEL}, {@code openai:MODEL} or
     * {@code sluice:MODEL}. Other providers are configured in the gateway, not in the suite.
     */
    static String modelOf(YamlNode where, String id) {
        String[] parts = id.split(":", -1);
        String model = null;
        if (parts.length == 3 && parts[0].equals("openai") && parts[1].equals("chat")) {
            model = parts[2];
        } else if (parts.length == 2 && (parts[0].equals("openai") || parts[0].equals("sluice")) && !parts[1].equals("chat")) {
            model = parts[1];
        }
        if (model == null || model.isBlank()) {
            throw where.error("unsupported provider '" + id + "'",
                    "sluice eval calls every model through the gateway in OpenAI's format: write openai:chat:MODEL "
                            + "with a model name the gateway serves (e.g. openai:chat:claude-3-5-haiku)");
        }
        return model;
    }

    TestCase test(YamlNode t, java.nio.file.Path dir) {
        t.allowOnly(TEST_KEYS);
        YamlNode options = t.get("options");
        if (options != null) {
            options.allowOnly(TEST_OPTIONS);
        }
        List<Assertion> asserts = asserts(t.get("assert"), dir);
        String grader = optionsProvider(t);
        if (grader != null) {
            asserts = asserts.stream().map(a -> a.provider() == null && isModelGraded(a.type())
                    ? new Assertion(a.type(), a.negated(), a.value(), a.threshold(), a.weight(), a.metric(), grader,
                    a.rubricPrompt(), a.where()) : a).toList();
        }
        return new TestCase(t.string("description", null), vars(t.get("vars"), dir), asserts, threshold(t),
                metadata(t.get("metadata")), t.file() + ":" + t.line());
    }

    static boolean isModelGraded(String type) {
        return type.equals("llm-rubric") || type.equals("factuality");
    }

    private static String optionsProvider(YamlNode test) {
        YamlNode options = test.get("options");
        if (options == null) {
            return null;
        }
        options.allowOnly(TEST_OPTIONS);
        YamlNode provider = options.get("provider");
        if (provider == null) {
            return null;
        }
        String id = provider.isMap() ? provider.requiredString("id", "name the judge model") : provider.text();
        return id.contains(":") ? modelOf(provider, id) : id;
    }

    private static Double threshold(YamlNode node) {
        return node.get("threshold") == null ? null : node.number("threshold", 0, 0, 1);
    }

    private static Map<String, Object> metadata(YamlNode node) {
        if (node == null) {
            return Map.of();
        }
        if (!node.isMap()) {
            throw node.error("metadata must be a mapping", null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) node.value();
        return m;
    }

    Map<String, Object> vars(YamlNode node, java.nio.file.Path dir) {
        if (node == null) {
            return Map.of();
        }
        if (!node.isMap()) {
            throw node.error("vars must be a mapping of names to values", "write vars: {topic: bananas}");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            Object v = e.getValue().value();
            if (v instanceof String s && s.startsWith("file://")) {
                v = SuiteFiles.read(SuiteFiles.resolve(dir, s), e.getValue().file() + ":" + e.getValue().line());
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    List<Assertion> asserts(YamlNode node, java.nio.file.Path dir) {
        if (node == null) {
            return List.of();
        }
        List<Assertion> out = new ArrayList<>();
        for (YamlNode a : node.items()) {
            out.add(assertion(a, dir));
        }
        return out;
    }

    /** One check as written in a suite, or as an online evaluator's {@code assert:}; a bad one fails at its line. */
    public Assertion assertion(YamlNode a) {
        return assertion(a, java.nio.file.Path.of("."));
    }

    private Assertion assertion(YamlNode a, java.nio.file.Path dir) {
        a.allowOnly(ASSERT_KEYS);
        String written = a.requiredString("type", "name the check, e.g. type: contains");
        if (a.get("transform") != null) {
            throw a.error("transform is not supported", "remove it");
        }
        boolean negated = written.startsWith("not-");
        String type = negated ? written.substring(4) : written;
        if (!scorers.has(type)) {
            throw a.get("type").unknown("assertion type", written, scorers.names());
        }
        JsonNode value = null;
        YamlNode valueNode = a.get("value");
        if (valueNode != null) {
            Object v = valueNode.value();
            if (v instanceof String s && s.startsWith("file://")) {
                value = SuiteFiles.readValue(SuiteFiles.resolve(dir, s), valueNode.file() + ":" + valueNode.line());
            } else {
                value = Json.MAPPER.valueToTree(v);
            }
        }
        Double threshold = a.get("threshold") == null ? null : a.number("threshold", 0, -1, Double.MAX_VALUE);
        String provider = a.get("provider") == null ? null
                : a.get("provider").isMap() ? a.get("provider").requiredString("id", "name the model") : a.string("provider", null);
        Assertion assertion = new Assertion(type, negated, value, threshold, a.number("weight", 1, 0, 1_000_000),
                a.string("metric", null), provider, a.string("rubricPrompt", null), a.file() + ":" + a.line());
        check(assertion, a);
        return assertion;
    }

    boolean knows(String type) {
        return scorers.has(type);
    }

    /** Builds the scorer once so a bad value fails at load, at its line. */
    void check(Assertion assertion, YamlNode where) {
        try {
            scorers.create(assertion);
        } catch (IllegalArgumentException e) {
            throw where.error(e.getMessage(), null);
        }
    }

    void check(Assertion assertion, String where) {
        try {
            scorers.create(assertion);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    /** defaultTest: its variables under the test's, its checks before the test's. */
    private record Defaults(Map<String, Object> vars, List<Assertion> asserts, Double threshold, Map<String, Object> metadata) {
        static final Defaults NONE = new Defaults(Map.of(), List.of(), null, Map.of());

        TestCase apply(TestCase t) {
            Map<String, Object> v = new LinkedHashMap<>(vars);
            v.putAll(t.vars());
            List<Assertion> a = new ArrayList<>(asserts);
            a.addAll(t.asserts());
            Map<String, Object> m = new LinkedHashMap<>(metadata);
            m.putAll(t.metadata());
            return new TestCase(t.description(), v, a, t.threshold() != null ? t.threshold() : threshold, m, t.where());
        }
    }
}
