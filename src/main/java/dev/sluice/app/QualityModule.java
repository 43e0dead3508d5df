package dev.sluice.app;

import dev.sluice.admin.QualityAdmin;
import dev.sluice.alert.AlertEvaluator;
import dev.sluice.config.QualityConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.quality.AnswerConsumer;
import dev.sluice.quality.AnswerTap;
import dev.sluice.quality.ModelWatch;
import dev.sluice.quality.drift.DriftMonitor;
import dev.sluice.quality.online.OnlineEvaluators;
import dev.sluice.store.ModelChangeRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code quality:}: watching deployments for silent model changes, input and output drift (sampled
 * answers, read by {@code metric: drift} alert rules), and {@code /admin/quality/*}.
 */
final class QualityModule implements Module {
    private final ModelChangeRepository changes;
    private final ModelWatch watch;
    private final DriftMonitor drift;
    private final OnlineEvaluators evaluators;
    private final AuthModule auth;
    private final Clock clock;

    QualityModule(QualityConfig config, StoreModule store, AlertsModule alerts, AuthModule auth, Embedder embedder,
                  dev.sluice.pipeline.Pipeline direct, FeedbackModule feedback, Clock clock) {
        this.auth = auth;
        this.clock = clock;
        this.changes = new ModelChangeRepository(store.database());
        QualityConfig.ModelChange mc = config.modelChange();
        this.watch = mc.enabled() ? new ModelWatch(changes, alerts.sink(), clock, mc.confirmAfter(), mc.trackFingerprint())
                : null;
        AlertEvaluator rules = alerts.rules();
        boolean driftRules = rules != null && rules.hasDriftRules();
        QualityConfig.Drift d = config.drift();
        this.drift = d.enabled() || driftRules
                ? new DriftMonitor(embedder, clock, d.sampleRate(), d.maxPerMinute(), d.horizon()) : null;
        if (drift != null) {
            alerts.driftSource(drift);
        }
        var log = store.requestLogger();
        this.evaluators = config.evaluators().isEmpty() ? null : OnlineEvaluators.create(config.evaluators(),
                feedback.feedback()::record,
                (model, system, user, verdict, parent, spent) -> ModelCalls.judge(direct, log, model, system, user, parent,
                        "evaluator", spent),
                (a, b, model) -> Embedder.cosine(embedder.embed(a), embedder.embed(b)), clock);
    }

    @Override
    public String name() {
        return "quality";
    }

    @Override
    public void contribute(Contributions to) {
        if (watch != null) {
            to.listener(watch);
        }
        List<AnswerConsumer> consumers = new ArrayList<>();
        if (drift != null) {
            consumers.add(drift);
        }
        if (evaluators != null) {
            consumers.add(evaluators);
        }
        if (!consumers.isEmpty()) {
            // after the prompt stage (QualityModule is created after PromptsModule): the request then has
            // its model and its prompt, which sampling filters on; the answer is still the client's
            to.stage(Slot.PROMPT, new AnswerTap(consumers));
        }
        to.endpoints(new QualityAdmin(auth.adminGuard(), changes, drift, evaluators == null ? null : evaluators::stats));
    }

    /** For tests and the demo: the online evaluators, or null when none are configured. */
    OnlineEvaluators evaluators() {
        return evaluators;
    }

    /** For tests and the demo: the drift monitor, or null when drift is off. */
    DriftMonitor drift() {
        return drift;
    }

    @Override
    public void close() {
        if (drift != null) {
            drift.close();
        }
        if (evaluators != null) {
            evaluators.close();
        }
    }
}
