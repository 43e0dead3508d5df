package dev.sluice.app;

import dev.sluice.admin.LimitsAdmin;
import dev.sluice.config.AlertsConfig;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.limits.BudgetAlerts;
import dev.sluice.limits.FailoverLimiter;
import dev.sluice.limits.Headroom;
import dev.sluice.limits.LimitStage;
import dev.sluice.limits.Limiter;
import dev.sluice.limits.Limiters;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.store.RequestLogReader;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code limits:} (and the budget thresholds of {@code alerts:}): rate limits and budgets per key,
 * team, user and model in {@link Slot#LIMITS}, on this instance or shared through Redis; and
 * {@code GET /admin/limits}, the headroom under them now. The limiter (the counters) lives as long
 * as the gateway; each config generation gets a {@linkplain #stage stage} with its limits and prices
 * over it, so a reload changes the limits without resetting what was already counted.
 */
final class LimitsModule implements Module {
    private final Limiter limiter;
    private final StoreModule store;
    private final AlertsModule alerts;
    private final Clock clock;
    private final LimitsAdmin admin;
    /** The serving generation: its limits answer the headroom, and shadow spend is charged through its stage. */
    private final Generations generations;

    LimitsModule(StoreModule store, AlertsModule alerts, AuthModule auth, Generations generations, Clock clock) {
        this.store = store;
        this.alerts = alerts;
        this.clock = clock;
        this.generations = generations;
        this.limiter = Limiters.create(store.redis(), new RequestLogReader(store.database()), clock, store::liveNodes);
        // read from the generation serving now, never from one being built: a reload rejected after its
        // limit stage was made leaves the running limits in GET /admin/limits
        this.admin = new LimitsAdmin(auth.adminGuard(), new Headroom(limiter, () -> generations.current().config.limits(),
                clock), auth.keys(), auth.teams());
    }

    @Override
    public String name() {
        return "limits";
    }

    @Override
    public void contribute(Contributions to) {
        to.endpoints(admin);
    }

    /** The limit stage of one config generation, over the shared counters (it serves once its generation is current). */
    LimitStage stage(SluiceConfig config, PriceCatalog prices) {
        AlertsConfig a = config.alerts();
        // which thresholds were already announced is kept while they stay the same: the serving generation's
        // budget alerts carry over. Nothing is remembered here while a generation is built, so a reload
        // rejected after this point leaves the next one comparing against the thresholds that serve.
        Generation serving = generations.current();
        BudgetAlerts budgetAlerts = serving == null ? null : serving.limits.budgetAlerts();
        if (budgetAlerts == null || !budgetAlerts.thresholds().equals(a.budgetThresholds())) {
            budgetAlerts = new BudgetAlerts(a.budgetThresholds(), alerts.sink(), store.redis());
        }
        return new LimitStage(limiter, config.limits(), prices, priceModels(config), budgetAlerts, clock);
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

    /** Charges spend that bypassed the limits stage (shadow copies) to the caller's budgets. */
    void charge(dev.sluice.pipeline.Exchange ex) {
        Generation serving = generations.current();
        if (serving != null) {
            serving.limits.charge(ex);
        }
    }
}
