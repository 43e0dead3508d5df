package dev.sluice.alert;

import dev.sluice.config.AlertRule;
import dev.sluice.pipeline.Exchange;
import dev.sluice.store.FeedbackRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the alert rules over sliding windows of this instance's traffic, on one virtual
 * thread every {@code evaluation_interval}, with the injected clock. Each rule:
 * <ul>
 *   <li>fires once when its value goes above the threshold with at least {@code min_samples}
 *       samples in the window, and sends at most one "firing" per cooldown, also when it flaps;</li>
 *   <li>sends "resolved" when the value drops back to the threshold or below, or the window empties.</li>
 * </ul>
 * An "error" is a 5xx or an upstream rate limit left after all retries and fallbacks; client
 * errors (4xx) and Sluice's own 429s (limits, budgets) are neither errors nor latency samples.
 */
public final class AlertEvaluator implements Exchange.CompletionListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);
    /** Bounds each rule's window in memory; the oldest samples go first. */
    static final int MAX_SAMPLES = 100_000;

    private record Sample(long at, double value) {}

    /** One rule's window and firing state. */
    private static final class State {
        final AlertRule rule;
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        volatile boolean firing;
        volatile long lastFired = Long.MIN_VALUE;
        volatile long lastEvaluated = Long.MIN_VALUE;
        volatile double lastValue;
        volatile int lastSamples;

        State(AlertRule rule) {
            this.rule = rule;
        }

        synchronized void add(long now, double value) {
            if (samples.size() >= MAX_SAMPLES) {
                samples.pollFirst();
            }
            samples.addLast(new Sample(now, value));
        }

        /** Drops what left the window; returns the values still in it. */
        synchronized double[] window(long now) {
            long start = now - rule.window().toMillis();
            while (!samples.isEmpty() && samples.peekFirst().at() < start) {
                samples.pollFirst();
            }
            double[] out = new double[samples.size()];
            int i = 0;
            for (Sample s : samples) {
                out[i++] = s.value();
            }
            return out;
        }
    }

    private final List<State> states = new ArrayList<>();
    /** The windows shared by every node through Redis, or null: this node's own traffic only. */
    private volatile SharedWindows shared;
    private volatile long lastSharedWarning;
    private final AlertChannel sink;
    private final Clock clock;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile DriftSource drift;

    /** @param background evaluate on a virtual thread every {@code interval}; false = only {@link #evaluate()} */
    public AlertEvaluator(List<AlertRule> rules, Duration interval, AlertChannel sink, Clock clock, boolean background) {
        for (AlertRule r : rules) {
            states.add(new State(r));
        }
        this.sink = sink;
        this.clock = clock;
        this.interval = interval;
        this.thread = background ? Thread.ofVirtual().name("sluice-alerts").start(this::loop) : null;
    }

    /**
     * Evaluates over windows shared by every node (through Redis), one node per tick; while Redis
     * does not answer, each node evaluates its own traffic as without it.
     */
    public void share(SharedWindows windows) {
        this.shared = windows;
    }

    private void add(State s, long now, double value) {
        s.add(now, value);
        SharedWindows w = shared;
        if (w != null) {
            w.record(s.rule, now, value);
        }
    }

    /** Where drift rules read their figures; until one is set they never fire. */
    public void driftSource(DriftSource source) {
        this.drift = source;
    }

    /** Whether any rule is a drift rule (then a drift monitor has to be running). */
    public boolean hasDriftRules() {
        return states.stream().anyMatch(s -> s.rule.drift() != null);
    }

    /** Whether a finished request counts as an error for {@code error_rate}. */
    static boolean isError(int status, String errorType) {
        return status >= 500 || (status == 429 && "rate_limited".equals(errorType));
    }

    /** Client errors and Sluice's own refusals say nothing about upstream health or latency. */
    static boolean isClientSide(int status, String errorType) {
        return status >= 400 && status < 500 && !isError(status, errorType);
    }

    @Override
    public void completed(Exchange ex) {
        long now = clock.millis();
        int status = ex.status();
        String model = ex.requestedModel();
        String team = ex.caller().team();
        for (State s : states) {
            AlertRule r = s.rule;
            if (!matches(r, model, team)) {
                continue;
            }
            switch (r.metric()) {
                case AlertRule.ERROR_RATE -> {
                    if (!isClientSide(status, ex.errorType())) {
                        add(s, now, isError(status, ex.errorType()) ? 1 : 0);
                    }
                }
                case AlertRule.LATENCY_P99 -> {
                    if (!isClientSide(status, ex.errorType())) {
                        add(s, now, ex.latencyMillis() / 1000.0);
                    }
                }
                case AlertRule.TTFT_P99 -> {
                    if (ex.streaming() && ex.ttftMillis() >= 0) {
                        add(s, now, ex.ttftMillis() / 1000.0);
                    }
                }
                case AlertRule.SPEND -> {
                    if (ex.costUsd() != null && ex.costUsd() > 0) {
                        add(s, now, ex.costUsd());
                    }
                }
                case AlertRule.GUARDRAIL_TRIGGER_RATE -> {
                    if (ex.chat() != null || ex.embeddings() != null) {
                        add(s, now, ex.guardEvents().isEmpty() ? 0 : 1);
                    }
                }
                default -> { }
            }
        }
    }

    /** Thumbs and boolean feedback feed {@code negative_feedback_rate}. */
    public void feedback(FeedbackRecord f) {
        long now = clock.millis();
        if (f.ratedBy() != null && f.ratedBy().startsWith("evaluator:")) {
            for (State s : states) {
                if (s.rule.metric().equals(AlertRule.EVALUATOR_FAIL_RATE) && matches(s.rule, f.model(), f.team())) {
                    add(s, now, f.sentiment().equals("negative") ? 1 : 0);
                }
            }
            return;
        }
        if (!f.kind().equals("thumbs") && !f.kind().equals("boolean")) {
            return;
        }
        for (State s : states) {
            if (s.rule.metric().equals(AlertRule.NEGATIVE_FEEDBACK_RATE) && matches(s.rule, f.model(), f.team())) {
                add(s, now, f.sentiment().equals("negative") ? 1 : 0);
            }
        }
    }

    private static boolean matches(AlertRule r, String model, String team) {
        return (r.model() == null || r.model().equals(model)) && (r.team() == null || r.team().equals(team));
    }

    /** One evaluation of every rule now (the background thread calls this each interval). */
    public synchronized void evaluate() {
        long now = clock.millis();
        SharedWindows w = shared;
        if (w != null) {
            try {
                w.flush();
                if (w.lease(now, interval)) {
                    evaluate(w, now);
                }
                return;
            } catch (io.lettuce.core.RedisException e) {
                if (now - lastSharedWarning > 60_000) {
                    lastSharedWarning = now;
                    LOG.warn("alert rules: Redis does not answer ({}); evaluating this node's own traffic until it does",
                            e.getMessage());
                }
            }
        }
        evaluate(null, now);
    }

    /** A rule's value now, its samples, whether it breaches, and a drift rule's figures. */
    private record Reading(double value, long samples, boolean breach, Map<String, Object> figures) {}

    /**
     * Every rule once, over the cluster-wide windows ({@code w}: this node holds the tick's lease; the
     * firing state is the cluster's) or over this node's own ({@code w} null).
     */
    private void evaluate(SharedWindows w, long now) {
        for (State s : states) {
            AlertRule r = s.rule;
            Reading reading = read(s, w, now);
            if (reading == null) {
                continue;
            }
            int shown = (int) Math.min(Integer.MAX_VALUE, reading.samples());
            // this node's view for GET /admin/alerts (with shared windows: the node that evaluated the tick)
            s.lastEvaluated = now;
            s.lastValue = reading.value();
            s.lastSamples = shown;
            SharedWindows.Firing was = w == null ? new SharedWindows.Firing(s.firing, s.lastFired) : w.firing(r);
            SharedWindows.Firing next = null;
            if (reading.breach() && !was.firing()) {
                // flapping back within the cooldown stays quiet until the cooldown has passed
                if (was.lastFired() == Long.MIN_VALUE || now - was.lastFired() >= r.cooldown().toMillis()) {
                    next = new SharedWindows.Firing(true, now);
                }
            } else if (!reading.breach() && was.firing()) {
                next = new SharedWindows.Firing(false, was.lastFired());
            }
            if (next == null || (w != null && !w.transition(r, was, next))) {
                continue; // nothing changed, or another node made this change first: it sends the alert
            }
            s.firing = next.firing();
            s.lastFired = next.lastFired();
            sink.send(alert(r, next.firing() ? "firing" : "resolved", reading.value(), shown, reading.figures()));
        }
    }

    /** The rule's reading now, or null for a drift rule without a drift source. */
    private Reading read(State s, SharedWindows w, long now) {
        AlertRule r = s.rule;
        if (r.drift() != null) {
            DriftSource source = drift;
            if (source == null) {
                return null;
            }
            DriftSource.Reading d = source.read(r.drift().figure(), r.model(), r.window(), r.drift().baseline(), now);
            return new Reading(d.value(), d.recent(), d.recent() >= r.minSamples() && d.baseline() >= r.minSamples()
                    && d.value() > r.threshold(), d.figures());
        }
        if (w != null) {
            SharedWindows.Totals totals = w.read(r, now);
            double value = SharedWindows.value(r, totals);
            return new Reading(value, totals.samples(), totals.samples() >= r.minSamples() && value > r.threshold(), Map.of());
        }
        double[] values = s.window(now);
        double value = value(r, values);
        return new Reading(value, values.length, values.length >= r.minSamples() && value > r.threshold(), Map.of());
    }

    /**
     * A rule and where it stands after its last evaluation.
     *
     * @param lastEvaluated epoch ms of the last evaluation, or null before the first
     * @param lastFired     epoch ms of the last "firing" sent, or null if it never fired
     */
    public record RuleStatus(AlertRule rule, boolean firing, Long lastEvaluated, double value, int samples, Long lastFired) {}

    /** Every rule in config order, with its state after the last evaluation. */
    public List<RuleStatus> status() {
        List<RuleStatus> out = new ArrayList<>(states.size());
        for (State s : states) {
            long evaluated = s.lastEvaluated;
            long fired = s.lastFired;
            out.add(new RuleStatus(s.rule, s.firing, evaluated == Long.MIN_VALUE ? null : evaluated, s.lastValue,
                    s.lastSamples, fired == Long.MIN_VALUE ? null : fired));
        }
        return out;
    }

    static double value(AlertRule r, double[] values) {
        if (values.length == 0) {
            return 0;
        }
        return switch (r.metric()) {
            case AlertRule.LATENCY_P99, AlertRule.TTFT_P99 -> {
                double[] sorted = values.clone();
                Arrays.sort(sorted);
                yield sorted[dev.sluice.analytics.Percentiles.nearestRankIndex(99, sorted.length)];
            }
            case AlertRule.SPEND -> Arrays.stream(values).sum();
            default -> Arrays.stream(values).average().orElse(0);
        };
    }

    private static Alert alert(AlertRule r, String status, double value, int samples, Map<String, Object> figures) {
        String scope = (r.model() != null ? " model " + r.model() : "") + (r.team() != null ? " team " + r.team() : "");
        String shown = format(r, value);
        String title = status.equals("firing")
                ? String.format(Locale.ROOT, "FIRING %s: %s is %s (threshold %s) over %s%s", r.name(), label(r), shown,
                        r.thresholdText(), window(r.window()), scope)
                : String.format(Locale.ROOT, "RESOLVED %s: %s is back to %s (threshold %s) over %s%s", r.name(), label(r),
                        shown, r.thresholdText(), window(r.window()), scope);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", status);
        details.put("rule", r.name());
        details.put("metric", r.metric());
        details.put("value", value);
        details.put("threshold", r.threshold());
        details.put("window", window(r.window()));
        details.put("samples", samples);
        if (r.model() != null) {
            details.put("model", r.model());
        }
        if (r.team() != null) {
            details.put("team", r.team());
        }
        if (r.drift() != null) {
            details.put("figure", r.drift().figure());
            details.put("baseline", window(r.drift().baseline()));
            details.put("figures", figures);
        }
        return new Alert(r.priority(), title, r.message(), details);
    }

    private static String format(AlertRule r, double value) {
        if (r.drift() != null) {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        if (r.isRate()) {
            return String.format(Locale.ROOT, "%.4g%%", value * 100);
        }
        if (r.isLatency()) {
            return String.format(Locale.ROOT, "%.3fs", value);
        }
        return String.format(Locale.ROOT, "$%.4f", value);
    }

    /** The metric's name in titles: a drift rule names its figure and what it is compared with. */
    private static String label(AlertRule r) {
        return r.drift() == null ? r.metric()
                : "drift " + r.drift().figure() + " (vs the " + window(r.drift().baseline()) + " before)";
    }

    /** A window as people write it: 5m, 1h, 30s. */
    public static String window(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private void loop() {
        long next = System.currentTimeMillis() + interval.toMillis();
        while (!stopped) {
            try {
                SharedWindows w = shared;
                // with shared windows, samples go to Redis every second; evaluation stays at its interval
                Thread.sleep(Math.max(1, Math.min(w == null ? interval.toMillis() : 1000, next - System.currentTimeMillis())));
                if (System.currentTimeMillis() < next) {
                    if (w != null) {
                        try {
                            w.flush();
                        } catch (io.lettuce.core.RedisException e) {
                            // those samples miss the shared window; this node's own window has them
                        }
                    }
                    continue;
                }
                next = System.currentTimeMillis() + interval.toMillis();
                evaluate();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("alert rule evaluation failed, will retry: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
