package dev.sluice.app;

import dev.sluice.config.ModelConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.limits.BudgetAlerts;
import dev.sluice.limits.FailoverLimiter;
import dev.sluice.limits.LimitStage;
import dev.sluice.limits.Limiter;
import dev.sluice.limits.Limiters;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.store.RequestLogReader;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code limits:} (and the budget thresholds of {@code alerts:}): rate limits and budgets per key,
 * team, user and model in {@link Slot#LIMITS}, on this instance or shared through Redis.
 */
final class LimitsModule implements Module {
    private final Limiter limiter;
    private final LimitStage stage;

    LimitsModule(SluiceConfig config, StoreModule store, PriceCatalog prices, AlertsModule alerts, Clock clock) {
        this.limiter = Limiters.create(store.redis(), new RequestLogReader(store.database()), clock, store::liveNodes);
        this.stage = new LimitStage(limiter, config.limits(), prices, priceModels(config),
                new BudgetAlerts(config.alerts().budgetThresholds(), alerts.sink(), store.redis()), clock);
    }

    @Override
    public String name() {
        return "limits";
    }

    @Override
    public void contribute(Contributions to) {
        to.stage(Slot.LIMITS, stage);
    }

    /** How often the shared limiter fell back to local limits (Redis unreachable), or null when there is no Redis. */
    LongSupplier redisFallbacks() {
        return limiter instanceof FailoverLimiter failover ? failover::fallbacks : null;
    }

    /** Public model → the upstream model of its first deployment, whose price estimates a request's cost. */
    private static Map<String, String> priceModels(SluiceConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ModelConfig m : config.models().values()) {
            if (m instanceof ModelConfig.Deployed d) {
                out.put(m.name(), d.deployments().getFirst().model());
            }
        }
        // a complexity router is estimated at its hard model's price: budgets see the worst case up
        // front, and the real cost (of whichever model answered) settles it
        for (ModelConfig m : config.models().values()) {
            if (m instanceof ModelConfig.Complexity c && out.containsKey(c.hard())) {
                out.put(m.name(), out.get(c.hard()));
            }
        }
        return out;
    }
}
