package dev.sluice.guard;

import dev.sluice.config.GuardrailsConfig;
import dev.sluice.config.GuardrailsConfig.PolicyConfig;
import dev.sluice.config.GuardrailsConfig.RuleConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.answer.GroundednessScanner;
import dev.sluice.guard.answer.JsonSchemaScanner;
import dev.sluice.guard.answer.LeakageScanner;
import dev.sluice.guard.content.BannedScanner;
import dev.sluice.guard.content.InvisibleTextScanner;
import dev.sluice.guard.content.LimitsScanner;
import dev.sluice.guard.content.UrlScanner;
import dev.sluice.guard.injection.InjectionClassifier;
import dev.sluice.guard.injection.InjectionScanner;
import dev.sluice.guard.judge.JudgeClient;
import dev.sluice.guard.judge.JudgeScanner;
import dev.sluice.guard.pii.Detector;
import dev.sluice.guard.pii.PatternDetector;
import dev.sluice.guard.pii.PhoneDetector;
import dev.sluice.guard.pii.PiiScanner;
import dev.sluice.guard.secrets.SecretsScanner;
import dev.sluice.guard.toxicity.Lexicon;
import dev.sluice.guard.toxicity.OnnxTextClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the guardrails from the {@code guardrails:} config once, at start-up: every policy's
 * scanners (heavy resources such as the embedding classifier, the lexicon and ONNX models are
 * shared, and models load on first use), the policy resolution, and the two stages.
 */
public final class Guardrails implements AutoCloseable {
    /** Defaults used when a rule gives no threshold. */
    static final Map<String, Double> DEFAULT_THRESHOLDS = Map.of("prompt_injection", 0.5, "toxicity", 0.5,
            "groundedness", 0.5, "judge", 0.5, "banned", 0.6, "limits", 0.5);

    private final Policies policies;
    private final GuardMetrics metrics = new GuardMetrics();
    private final int holdback;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private Guardrails(GuardrailsConfig config, Supplier<Embedder> embedder, JudgeClient judge) {
        this.holdback = config.streamHoldback();
        Resources resources = new Resources(embedder, judge);
        Map<String, Policy> byName = new LinkedHashMap<>();
        for (PolicyConfig p : config.policies().values()) {
            byName.put(p.name(), new Policy(p.name(), rules(p.input(), resources), rules(p.output(), resources),
                    config.redaction().equals("placeholder")));
        }
        this.policies = new Policies(byName, config.keys(), config.teams(), config.models(),
                GuardrailsConfig.NONE.equals(config.defaultPolicy()) ? null : config.defaultPolicy());
        closeables.addAll(resources.onnx.values());
    }

    /** Guardrails from config; null when the section is absent or disabled. */
    public static Guardrails create(GuardrailsConfig config, Supplier<Embedder> embedder, JudgeClient judge) {
        if (!config.enabled() || config.policies().isEmpty()) {
            return null;
        }
        return new Guardrails(config, embedder, judge);
    }

    public InputGuardStage inputStage() {
        return new InputGuardStage(policies, metrics);
    }

    public OutputGuardStage outputStage() {
        return new OutputGuardStage(policies, metrics, holdback);
    }

    public Policies policies() {
        return policies;
    }

    /** Trigger counters for the metrics exporter. */
    public GuardMetrics metrics() {
        return metrics;
    }

    private static List<Rule> rules(List<RuleConfig> configs, Resources resources) {
        List<Rule> out = new ArrayList<>(configs.size());
        for (RuleConfig c : configs) {
            Scanner scanner = resources.scanner(c);
            double threshold = c.threshold() != null ? c.threshold() : DEFAULT_THRESHOLDS.getOrDefault(c.scanner(), 0.5);
            out.add(new Rule(scanner, Action.parse(c.action()), threshold));
        }
        return out;
    }

    /** Shared, lazily loaded resources, and the scanner factory. */
    private static final class Resources {
        final Supplier<Embedder> embedder;
        final JudgeClient judge;
        final Map<String, OnnxTextClassifier> onnx = new HashMap<>();
        private volatile InjectionClassifier classifier;
        private Lexicon defaultLexicon;

        Resources(Supplier<Embedder> embedder, JudgeClient judge) {
            this.embedder = embedder;
            this.judge = judge;
        }

        InjectionClassifier classifier() {
            InjectionClassifier c = classifier;
            if (c == null) {
                synchronized (this) {
                    c = classifier;
                    if (c == null) {
                        c = InjectionClassifier.load(embedder.get());
                        classifier = c;
                    }
                }
            }
            return c;
        }

        Scanner scanner(RuleConfig c) {
            return switch (c.scanner()) {
                case "prompt_injection" -> new InjectionScanner(c.bool("heuristics", true),
                        c.bool("classifier", false) ? this::classifier : null);
                case "pii" -> PiiScanner.of(c.options().containsKey("entities") ? c.strings("entities")
                                : GuardrailsConfig.PII_ENTITIES,
                        c.options().containsKey("phone_regions") ? c.strings("phone_regions") : PhoneDetector.DEFAULT_REGIONS,
                        custom(c));
                case "secrets" -> SecretsScanner.of(c.strings("types"),
                        c.patterns("custom").stream().map(p -> new String[] {p.name(), p.pattern()}).toList());
                case "invisible_text" -> new InvisibleTextScanner();
                case "limits" -> new LimitsScanner(c.integer("max_chars", 0), c.strings("scripts"));
                case "banned" -> new BannedScanner(c.strings("phrases"), c.strings("patterns"), c.strings("topics"),
                        c.number("topic_threshold", 0.6), embedder);
                case "urls" -> new UrlScanner(c.strings("allow"));
                case "toxicity" -> new dev.sluice.guard.toxicity.ToxicityScanner(lexicon(c.strings("words")), onnx(c));
                case "system_prompt_leak" -> new LeakageScanner(c.bool("canary", true), c.integer("min_overlap_words", 12));
                case "json_schema" -> new JsonSchemaScanner(c.bool("reask", false));
                case "groundedness" -> new GroundednessScanner(c.integer("min_words", 4));
                case "judge" -> new JudgeScanner(judge, c.string("model", null), c.string("criteria",
                        "The text must be safe, on-topic for a business assistant, and must not give medical, legal or"
                                + " financial advice."), c.bool("fail_closed", false));
                default -> throw new IllegalArgumentException("unknown scanner " + c.scanner());
            };
        }

        private Lexicon lexicon(List<String> extra) {
            if (!extra.isEmpty()) {
                return Lexicon.load(extra);
            }
            if (defaultLexicon == null) {
                defaultLexicon = Lexicon.load(List.of());
            }
            return defaultLexicon;
        }

        private OnnxTextClassifier onnx(RuleConfig c) {
            String model = c.string("model", null);
            if (model == null) {
                return null;
            }
            String tokenizer = c.string("tokenizer", Path.of(model).resolveSibling("tokenizer.json").toString());
            List<String> labels = c.strings("labels").isEmpty() ? List.of("toxic") : c.strings("labels");
            return onnx.computeIfAbsent(model + "|" + tokenizer + "|" + labels,
                    k -> new OnnxTextClassifier(Path.of(model), Path.of(tokenizer), labels));
        }

        private static List<Detector> custom(RuleConfig c) {
            List<Detector> out = new ArrayList<>();
            for (GuardrailsConfig.NamedPattern p : c.patterns("custom")) {
                out.add(new PatternDetector(p.name(), p.pattern()));
            }
            return out;
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }
}
