package dev.sluice.quality.online;

import dev.sluice.config.QualityConfig;
import dev.sluice.eval.score.Scorer;
import dev.sluice.pipeline.Exchange;
import dev.sluice.quality.PerMinuteCap;
import java.time.LocalDate;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One configured evaluator at run time: which requests it watches, its sampling (a share, at most so
 * many a minute), its scorer, and what its judge calls have cost today against its daily budget.
 */
final class OnlineEvaluator {
    final QualityConfig.Evaluator config;
    final Scorer scorer;
    final boolean usesJudge;
    private final PerMinuteCap cap;
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong skippedOverBudget = new AtomicLong();
    private double credit = ThreadLocalRandom.current().nextDouble();
    private LocalDate day;
    private double spentToday;

    OnlineEvaluator(QualityConfig.Evaluator config, Scorer scorer, boolean usesJudge) {
        this.config = config;
        this.scorer = scorer;
        this.usesJudge = usesJudge;
        this.cap = new PerMinuteCap(config.maxPerMinute());
    }

    /** The name scores are stored under (a feedback name): {@code eval:<name>}. */
    String feedbackName() {
        return "eval:" + config.name();
    }

    /** Who gave the score: {@code evaluator:<name>@v<version>}. */
    String ratedBy() {
        return "evaluator:" + config.name() + "@v" + config.version();
    }

    boolean watches(Exchange ex) {
        QualityConfig.Evaluator c = config;
        // (the sets are immutable: contains(null) would throw, so a missing value is checked first)
        if (!c.models().isEmpty() && (ex.requestedModel() == null || !c.models().contains(ex.requestedModel()))) {
            return false;
        }
        if (!c.prompts().isEmpty() && (ex.prompt() == null || !c.prompts().contains(ex.prompt().name()))) {
            return false;
        }
        if (!c.keys().isEmpty() && (ex.caller().keyId() == null || !c.keys().contains(ex.caller().keyId()))) {
            return false;
        }
        return c.teams().isEmpty() || (ex.caller().team() != null && c.teams().contains(ex.caller().team()));
    }

    /**
     * The sampling decision: the share, then the per-minute cap. The share is kept by a credit that
     * grows by the rate with every watched request and pays 1 per sample (starting at a random
     * phase), so over any n requests the share sampled is within 1/n of the rate — not only on average.
     */
    synchronized boolean sample(long nowMillis) {
        credit += config.sampleRate();
        if (credit < 1) {
            return false;
        }
        credit -= 1;
        if (!cap.take(nowMillis)) {
            return false;
        }
        sampled.incrementAndGet();
        return true;
    }

    /** Whether its judge may spend today (always, for checks without a judge or without a budget). */
    synchronized boolean mayJudge(long nowMillis) {
        if (!usesJudge || config.dailyUsd() == null) {
            return true;
        }
        rollDay(nowMillis);
        boolean ok = spentToday < config.dailyUsd();
        if (!ok) {
            skippedOverBudget.incrementAndGet();
        }
        return ok;
    }

    synchronized void spent(double usd, long nowMillis) {
        rollDay(nowMillis);
        spentToday += usd;
    }

    private void rollDay(long nowMillis) {
        LocalDate today = LocalDate.ofEpochDay(Math.floorDiv(nowMillis, 86_400_000L));
        if (!today.equals(day)) {
            day = today;
            spentToday = 0;
        }
    }

    void scored() {
        scored.incrementAndGet();
    }

    /** Counters for the admin view: sampled, scored, skipped for the budget, spent today. */
    synchronized Stats stats() {
        return new Stats(sampled.get(), scored.get(), skippedOverBudget.get(), spentToday);
    }

    record Stats(long sampled, long scored, long skippedOverBudget, double spentTodayUsd) {}
}
