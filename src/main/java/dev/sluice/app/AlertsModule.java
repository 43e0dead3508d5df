package dev.sluice.app;

import dev.sluice.admin.AlertsAdmin;
import dev.sluice.alert.AlertEvaluator;
import dev.sluice.alert.AlertHistory;
import dev.sluice.alert.AlertSink;
import dev.sluice.alert.DriftSource;
import dev.sluice.alert.SharedHistory;
import dev.sluice.alert.SharedWindows;
import dev.sluice.config.AlertsConfig;
import dev.sluice.store.FeedbackRecord;
import java.time.Clock;

/**
 * {@code alerts:}: where alerts go (the log and a webhook), and the alert rules' evaluator, a
 * completion listener with a sliding window per rule, when rules are configured; {@code GET /admin/alerts}
 * with the rules and the alerts sent. With Redis the windows ({@link SharedWindows}) and the history
 * ({@link SharedHistory}) are the cluster's. A config reload {@linkplain #reload retargets} the sink and replaces the
 * rules (their windows start empty).
 */
final class AlertsModule implements Module {
    private final AlertSink sink;
    private final AuthModule auth;
    private final StoreModule store;
    private final Clock clock;
    private volatile AlertsConfig config;
    private volatile AlertEvaluator rules;
    private volatile DriftSource drift;

    AlertsModule(AlertsConfig config, StoreModule store, AuthModule auth, Clock clock) {
        this.auth = auth;
        AlertHistory history = new AlertHistory(AlertHistory.DEFAULT_CAPACITY, clock);
        if (store.membership() != null) {
            // several nodes: one history for the cluster, as its rule windows
            history.share(new SharedHistory(store.redis(), prefix(store)));
        }
        this.sink = new AlertSink(config.webhook(), history);
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.rules = evaluator(config);
    }

    private AlertEvaluator evaluator(AlertsConfig c) {
        if (c.rules().isEmpty()) {
            return null;
        }
        AlertEvaluator evaluator = new AlertEvaluator(c.rules(), c.evaluationInterval(), sink, clock, true);
        if (store.membership() != null) {
            // several nodes: windows over the whole cluster's traffic, evaluated by one node a tick
            evaluator.share(new SharedWindows(store.redis(), prefix(store), store.membership().nodeId()));
        }
        return evaluator;
    }

    /** The cluster's alert keys in Redis. */
    private static String prefix(StoreModule store) {
        return "sluice:alerts:" + store.clusterId() + ":";
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public void contribute(Contributions to) {
        // always there, and reading the current rules: a reload may add rules to a config that had none
        to.listener(ex -> {
            AlertEvaluator r = rules;
            if (r != null) {
                r.completed(ex);
            }
        });
        to.endpoints(new AlertsAdmin(auth.adminGuard(), sink.history(), () -> rules));
    }

    /** Applies a reloaded {@code alerts:} section: the webhook, and new rules when they changed. */
    synchronized void reload(AlertsConfig next) {
        sink.webhook(next.webhook());
        if (next.rules().equals(config.rules()) && next.evaluationInterval().equals(config.evaluationInterval())) {
            config = next;
            return;
        }
        AlertEvaluator old = rules;
        AlertEvaluator fresh = evaluator(next);
        if (fresh != null && drift != null) {
            fresh.driftSource(drift);
        }
        rules = fresh;
        config = next;
        if (old != null) {
            old.close();
        }
    }

    AlertSink sink() {
        return sink;
    }

    /** The rule evaluator, or null when no rules are configured. */
    AlertEvaluator rules() {
        return rules;
    }

    /** Where {@code metric: drift} rules read their figures, now and after a reload. */
    synchronized void driftSource(DriftSource source) {
        this.drift = source;
        if (rules != null) {
            rules.driftSource(source);
        }
    }

    /** Feedback counts toward feedback rules. */
    void feedback(FeedbackRecord f) {
        AlertEvaluator r = rules;
        if (r != null) {
            r.feedback(f);
        }
    }

    @Override
    public synchronized void close() {
        if (rules != null) {
            rules.close();
        }
    }
}
