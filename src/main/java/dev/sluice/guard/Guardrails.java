package dev.sluice.guard;

import dev.sluice.config.GuardrailsConfig;
import dev.sluice.config.GuardrailsConfig.PolicyConfig;
import dev.sluice.config.GuardrailsConfig.RuleConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.judge.JudgeClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the guardrails from the {@code guardrails:} config once, at start-up: every policy's
 * scanners, each by its {@link ScannerType} from {@link ScannerTypes} (heavy resources such as the
 * embedding classifier, the lexicon and ONNX models are shared through {@link ScannerResources},
 * and models load on first use), the policy resolution, and the two stages.
 */
public final class Guardrails implements AutoCloseable {
    private static final Map<String, ScannerType<?>> TYPES = byName(ScannerTypes.ALL);

    private final Policies policies;
    private final GuardMetrics metrics = new GuardMetrics();
    private final int holdback;
    private final ScannerResources resources;
    private final ScanBudget budget;
    /** Input scans running alongside upstream calls (issue 21): bounded, so requests cannot pile up CPU work. */
    private final java.util.concurrent.Semaphore parallelScans;
    private final Thread warmUp;

    private Guardrails(GuardrailsConfig config, Supplier<Embedder> embedder, JudgeClient judge) {
        this.holdback = config.streamHoldback();
        this.budget = new ScanBudget(config.scanBudget(), !"flag".equals(config.onBudgetExceeded()),
                new ReaderSlots(config.readerSlots()));
        this.resources = new ScannerResources(embedder, judge);
        this.parallelScans = new java.util.concurrent.Semaphore(config.parallelScans());
        Map<String, Policy> byName = new LinkedHashMap<>();
        for (PolicyConfig p : config.policies().values()) {
            String inputScan = p.inputScan() != null ? p.inputScan() : config.inputScan();
            byName.put(p.name(), Policy.of(p.name(), rules(p.input(), resources), rules(p.output(), resources),
                    config.redaction().equals("placeholder"), GuardrailsConfig.PARALLEL.equals(inputScan)));
        }
        this.policies = new Policies(byName, config.keys(), config.teams(), config.models(),
                GuardrailsConfig.NONE.equals(config.defaultPolicy()) ? null : config.defaultPolicy());
        // a platform thread: seconds of CPU (model loading, first inferences) on a virtual thread would hold a carrier
        // (the gateway runs half as many as cores, one on two cores: dev.sluice.threads.Carriers) and keep requests waiting
        this.warmUp = Thread.ofPlatform().daemon(true).name("guardrails-warm-up").start(() -> warm(byName.values()));
    }

    /** Scanners that are not warmed: the LLM judge would make a model call. */
    private static final Set<String> NOT_WARMED = Set.of("judge");
    private static final String WARM_TEXT = "Please call +1 415 867 5309 or (415) 867-5309, mail a.b@example.com, card "
            + "4111 1111 1111 1111, key sk-proj-AbCdEf1234567890GhIjKlMn, host=db;password=Xk9mQ2vL8pZ3 https://example.com";

    /**
     * Runs each scanner once at start-up (on a thread of its own; the input guard waits for it), so
     * no request pays for class loading, data files, model loading and a model's first inference
     * out of its scan budget.
     */
    private static void warm(java.util.Collection<Policy> policies) {
        ScanContext context = ScanContext.of(Direction.INPUT, "user");
        Set<Scanner> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Policy p : policies) {
            for (List<Rule> rules : List.of(p.input(), p.output())) {
                for (Rule r : rules) {
                    if (!NOT_WARMED.contains(r.name()) && done.add(r.scanner())) {
                        try {
                            r.scanner().scan(WARM_TEXT, context);
                        } catch (RuntimeException e) {
                            // a scanner that needs more context (a schema, documents) is warm enough
                        }
                    }
                }
            }
        }
    }

    /** Waits for the start-up warm-up to finish (requests arriving during it would pay for it anyway). */
    void awaitWarm() {
        try {
            warmUp.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Guardrails from config; null when the section is absent or disabled. */
    public static Guardrails create(GuardrailsConfig config, Supplier<Embedder> embedder, JudgeClient judge) {
        if (!config.enabled() || config.policies().isEmpty()) {
            return null;
        }
        return new Guardrails(config, embedder, judge);
    }

    private static Map<String, ScannerType<?>> byName(List<ScannerType<?>> types) {
        Map<String, ScannerType<?>> out = new LinkedHashMap<>();
        types.forEach(t -> out.put(t.name(), t));
        return out;
    }

    public InputGuardStage inputStage() {
        return new InputGuardStage(policies, metrics, budget, this::awaitWarm, parallelScans);
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

    private static List<Rule> rules(List<RuleConfig> configs, ScannerResources resources) {
        List<Rule> out = new ArrayList<>(configs.size());
        for (RuleConfig c : configs) {
            ScannerType<?> type = TYPES.get(c.scanner());
            if (type == null) {
                throw new IllegalArgumentException("the scanner '" + c.scanner() + "' is not among " + TYPES.keySet()
                        + "; load the config with the same registry");
            }
            double threshold = c.threshold() != null ? c.threshold() : type.defaultThreshold();
            out.add(new Rule(type.create(c.options(), resources), Action.parse(c.action()), threshold, type.blockReason()));
        }
        return out;
    }

    @Override
    public void close() {
        awaitWarm(); // a model still loading would otherwise be created after its resources closed
        resources.close();
    }
}
