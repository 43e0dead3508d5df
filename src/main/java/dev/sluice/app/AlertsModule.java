package dev.sluice.app;

import dev.sluice.admin.AlertsAdmin;
import dev.sluice.alert.AlertEvaluator;
import dev.sluice.alert.AlertHistory;
import dev.sluice.alert.AlertSink;
import dev.sluice.config.AlertsConfig;
import dev.sluice.store.FeedbackRecord;
import java.time.Clock;

/**
 * {@code alerts:}: where alerts go (the log and a webhook), and the alert rules' evaluator, a
 * completion listener with a sliding window per rule, when rules are configured; {@code GET /admin/alerts}
 * with the rules and the alerts this node sent.
 */
final class AlertsModule implements Module {
    private final AlertSink sink;
    private final AlertEvaluator rules;
    private final AuthModule auth;

    AlertsModule(AlertsConfig config, AuthModule auth, Clock clock) {
        this.auth = auth;
        this.sink = new AlertSink(config.webhook(), new AlertHistory(AlertHistory.DEFAULT_CAPACITY, clock));
        this.rules = config.rules().isEmpty() ? null
                : new AlertEvaluator(config.rules(), config.evaluationInterval(), sink, clock, true);
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public void contribute(Contributions to) {
        if (rules != null) {
            to.listener(rules);
        }
        to.endpoints(new AlertsAdmin(auth.adminGuard(), sink.history(), rules));
    }

    AlertSink sink() {
        return sink;
    }

    /** The rule evaluator, or null when no rules are configured. */
    AlertEvaluator rules() {
        return rules;
    }

    /** Feedback counts toward feedback rules. */
    void feedback(FeedbackRecord f) {
        if (rules != null) {
            rules.feedback(f);
        }
    }

    @Override
    public void close() {
        if (rules != null) {
            rules.close();
        }
    }
}
