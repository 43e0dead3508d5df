package dev.sluice.app;

import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.provider.Providers;
import dev.sluice.route.Router;
import dev.sluice.route.RouterFactory;
import dev.sluice.route.Watchdog;
import dev.sluice.trace.Tracer;
import java.time.Clock;
import java.util.List;

/**
 * {@code providers:}, {@code models:} and {@code routing:}: the providers (embedded simulators
 * for {@code type: simulator}), the router as the terminal {@link Slot#ROUTE} stage, and the
 * watchdog that enforces its timeouts.
 */
final class RoutingModule implements Module {
    private final Providers providers;
    private final Watchdog watchdog = new Watchdog();
    private final Router router;
    private final Tracer tracer;
    private final Exchange.Pricing pricing;

    RoutingModule(SluiceConfig config, PriceCatalog prices, Clock clock, Embedder embedder, Tracer tracer) {
        this.tracer = tracer;
        this.pricing = prices::cost;
        this.providers = Providers.create(config.providers());
        try {
            this.router = RouterFactory.create(config, providers.byName(), prices, clock, watchdog, embedder, Thread::sleep,
                    tracer);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "routing";
    }

    @Override
    public void contribute(Contributions to) {
        to.stage(Slot.ROUTE, router);
    }

    /** Gives the router its {@code judge_below} judge: calls to the judge model through {@code direct}, logged. */
    RoutingModule judgedThrough(Pipeline direct, dev.sluice.observe.RequestLogger log) {
        router.qualityJudge(ModelCalls.qualityJudge(direct, log));
        return this;
    }

    /** The router: the terminal stage of this config generation's pipeline. */
    Router router() {
        return router;
    }

    /**
     * A pipeline of the router alone, for Sluice's own calls to a model (the LLM judge): routing,
     * retries and fallbacks apply, and the calls are priced like any other.
     */
    Pipeline direct() {
        return new Pipeline(List.of(router), tracer, pricing);
    }

    @Override
    public void close() {
        providers.close();
        watchdog.close();
    }
}
