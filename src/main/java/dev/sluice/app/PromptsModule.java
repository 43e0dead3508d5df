package dev.sluice.app;

import dev.sluice.admin.ExperimentsAdmin;
import dev.sluice.admin.PromptsAdmin;
import dev.sluice.admin.PromptsApi;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.prompts.PromptRenderer;
import dev.sluice.prompts.PromptRepository;
import dev.sluice.prompts.PromptResolver;
import dev.sluice.prompts.PromptStage;
import dev.sluice.prompts.Shadows;
import dev.sluice.prompts.rollout.ShadowResults;
import dev.sluice.config.RetentionConfig;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.prompts.rollout.ExperimentStore;
import dev.sluice.prompts.rollout.Experiments;
import dev.sluice.prompts.rollout.GateCheck;
import dev.sluice.prompts.rollout.PromptRolloutEffects;
import dev.sluice.prompts.rollout.RequestFigures;
import dev.sluice.prompts.rollout.RolloutDriver;
import dev.sluice.prompts.rollout.RolloutState;
import dev.sluice.prompts.rollout.TrafficSplits;
import dev.sluice.prompts.template.TemplateEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prompt registry and progressive delivery (issue 16): the prompt stage in {@link Slot#PROMPT}
 * (renders {@code prompt} references, assigns A/B and canary arms), the canary driver (a virtual
 * thread evaluating the rollouts this instance holds the lease of, every {@link #TICK}), shadow
 * traffic, {@code /admin/prompts}, {@code /admin/experiments}, {@code /admin/rollouts},
 * {@code /admin/shadows} and {@code GET /v1/prompts/{name}}.
 */
final class PromptsModule implements Module {
    /** How often rollouts are evaluated (their gates are checked at every evaluation). */
    static final Duration TICK = Duration.ofSeconds(5);
    /** How long a rollout's lease lasts without renewal: several ticks, so one slow tick does not lose it. */
    static final Duration LEASE = Duration.ofSeconds(30);
    /** How stale another instance's label moves and splits may be here. */
    static final Duration FRESHNESS = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(PromptsModule.class);

    private final PromptRegistry registry;
    private final PromptResolver resolver;
    private final PromptRenderer renderer;
    private final TrafficSplits splits;
    private final Experiments experiments;
    private final RolloutDriver rollouts;
    private final RequestFigures figures;
    private final ExperimentStore experimentStore;
    private final AuthModule auth;
    private final Shadows shadows;
    private final ShadowResults shadowResults;
    private final Thread ticker;
    private volatile boolean closed;
    private final dev.sluice.eval.store.EvalRuns evalRuns;
    private final java.util.function.Supplier<java.util.Collection<String>> models;

    PromptsModule(StoreModule store, AuthModule auth, AlertsModule alerts, Pipeline direct, RetentionModule retention,
                  RetentionConfig retentionConfig, java.util.function.Supplier<java.util.Collection<String>> models,
                  Clock clock) {
        this.auth = auth;
        this.models = models;
        TemplateEngine templates = TemplateEngine.strict();
        PromptRepository repository = new PromptRepository(store.database());
        this.registry = new PromptRegistry(repository, auth.audit(), templates, clock);
        this.resolver = new PromptResolver(repository, FRESHNESS);
        this.renderer = new PromptRenderer(templates);
        this.experimentStore = new ExperimentStore(store.database());
        this.splits = new TrafficSplits(experimentStore, FRESHNESS);
        this.experiments = new Experiments(experimentStore, registry, clock);
        this.figures = new RequestFigures(store.database());
        this.evalRuns = new dev.sluice.eval.store.EvalRuns(store.database());
        registry.onChange(resolver::invalidate);
        this.shadowResults = new ShadowResults(store.database());
        this.shadows = new Shadows(experimentStore, shadowResults, resolver, renderer, direct::execute,
                store.requestLogger(), clock, FRESHNESS);
        retention.retention().add("shadow_results", "ts", false, retentionConfig.requestLog());
        PromptRolloutEffects effects = new PromptRolloutEffects(registry, auth.audit(), alerts.sink()::send, clock);
        this.rollouts = new RolloutDriver(experimentStore, figures, new RolloutDriver.Effects() {
            @Override
            public void promoted(RolloutState s) {
                splits.invalidate(s.plan().subject());
            }

            @Override
            public void completed(RolloutState s) {
                effects.completed(s);
                splits.invalidate(s.plan().subject());
            }

            @Override
            public void rolledBack(RolloutState s, GateCheck failed) {
                splits.invalidate(s.plan().subject());
                effects.rolledBack(s, failed);
            }

            @Override
            public void aborted(RolloutState s) {
                splits.invalidate(s.plan().subject());
                effects.aborted(s);
            }
        }, clock, instanceId(), LEASE);
        this.ticker = Thread.ofVirtual().name("sluice-rollouts").unstarted(this::tickForever);
    }

    @Override
    public String name() {
        return "prompts";
    }

    @Override
    public void contribute(Contributions to) {
        to.stage(Slot.PROMPT, new PromptStage(resolver, renderer, splits, shadows));
        to.endpoints(new PromptsAdmin(auth.adminGuard(), registry, renderer));
        to.endpoints(new ExperimentsAdmin(auth.adminGuard(), registry, experiments, rollouts, figures, splits,
                shadows, shadowResults, evalRuns, models));
        to.endpoints(new PromptsApi(registry, renderer, auth.callers(), auth.enabled()));
        ticker.start();
    }

    /** Evaluates the rollouts this instance drives, now (tests call it after moving the clock). */
    List<RolloutState> tick() {
        return rollouts.tick();
    }

    PromptRegistry registry() {
        return registry;
    }

    private void tickForever() {
        while (!closed) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
            try {
                rollouts.tick();
            } catch (RuntimeException e) {
                LOG.warn("Rollouts could not be evaluated this time: {}", e.toString());
            }
        }
    }

    /**
     * Unique per process: leases are held by instance. {@code pid@host/random}, as the runtime MXBean's name gave
     * it, without the MXBean: that initialised the platform MBean machinery and resolved the host name to an
     * address ({@code InetAddress.getLocalHost()}, a DNS query where the name is not in /etc/hosts) on the start
     * path, for a name only an operator reads.
     */
    private static String instanceId() {
        return ProcessHandle.current().pid() + "@" + hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The kernel's host name (what {@code getLocalHost().getHostName()} returns) without a lookup, where Linux has it. */
    private static String hostName() {
        try {
            String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: ask the resolver, as before
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        closed = true;
        ticker.interrupt();
        rollouts.close();
    }

    /** Shadow copies' cost goes to the production caller's budgets through the limits stage. */
    void chargeShadowsTo(java.util.function.Consumer<dev.sluice.pipeline.Exchange> spend) {
        shadows.chargeTo(spend);
    }
}
