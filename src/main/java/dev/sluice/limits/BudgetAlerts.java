package dev.sluice.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.sluice.alert.Alert;
import dev.sluice.alert.AlertSink;
import dev.sluice.store.Redis;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Raises an alert when a budget's spend crosses a threshold (e.g. 50/80/100%), once per
 * threshold per period. With Redis the "once" holds across every instance (SET NX).
 */
public final class BudgetAlerts {
    private final List<Integer> thresholds;
    private final AlertSink sink;
    private final Redis redis;
    /**
     * Alerts sent this period (budget id and threshold; ids carry end users): forgotten when
     * their period ends, and at most {@link #MAX_SENT} kept.
     */
    private final Cache<String, Long> sent = Caffeine.newBuilder().maximumSize(MAX_SENT)
            .expireAfter(Expiry.creating((String key, Long ttlMillis) -> Duration.ofMillis(ttlMillis))).build();
    static final int MAX_SENT = 100_000;

    /** @param redis the shared Redis for cross-instance dedupe, or null */
    public BudgetAlerts(List<Integer> thresholds, AlertSink sink, Redis redis) {
        this.thresholds = List.copyOf(thresholds);
        this.sink = sink;
        this.redis = redis;
    }

    /** The percentages of a budget that raise an alert. */
    public List<Integer> thresholds() {
        return thresholds;
    }

    /** A request was refused because this budget is spent: that is the 100% mark, whatever the exact sum. */
    void refused(Bucket budget, double spent, long now) {
        check(budget, Math.max(spent, budget.limit()), now);
    }

    void check(Bucket budget, double spent, long now) {
        if (budget.limit() <= 0) {
            return;
        }
        double pct = 100 * spent / budget.limit();
        for (int threshold : thresholds) {
            if (pct >= threshold && first(budget.id() + ":" + threshold, budget.ttlMillis())) {
                String period = budget.kind() == Bucket.Kind.DAILY_USD ? "daily" : "monthly";
                java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
                details.put("kind", "budget");
                details.put("scope", budget.scope());
                details.put("subject", budget.subject());
                if (budget.scope().equals("team")) {
                    details.put("team", budget.subject());
                }
                details.put("period", period);
                details.put("threshold_percent", threshold);
                details.put("spent_usd", spent);
                details.put("limit_usd", budget.limit());
                sink.send(new Alert(threshold >= 100 ? "P1" : threshold >= 80 ? "P2" : "P3",
                        String.format(Locale.ROOT, "Budget %d%% used: %s %s (%s)", threshold, budget.scope(),
                                budget.subject(), period),
                        String.format(Locale.ROOT, "%s %s has spent $%.4f of its %s budget of $%.2f (%.0f%%).%s",
                                budget.scope(), budget.subject(), spent, period, budget.limit(), pct,
                                threshold >= 100 ? " Requests are now refused with 429 budget_exceeded until the"
                                        + " period ends or the budget is raised." : " See /admin/logs for what it spent on."), details));
            }
        }
    }

    /** True only the first time this key is seen in its period (across instances with Redis). */
    private boolean first(String key, long ttlMillis) {
        if (sent.asMap().putIfAbsent(key, ttlMillis) != null) {
            return false;
        }
        if (redis == null) {
            return true;
        }
        try {
            return "OK".equals(redis.sync().set("sluice:alert:" + key, "1", SetArgs.Builder.nx().px(ttlMillis)));
        } catch (RedisException e) {
            return true;
        }
    }
}
