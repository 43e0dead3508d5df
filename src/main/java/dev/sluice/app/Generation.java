package dev.sluice.app;

import dev.sluice.config.SluiceConfig;
import dev.sluice.limits.LimitStage;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Stage;
import dev.sluice.pricing.Price;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.server.PipelineSource;
import dev.sluice.trace.Tracer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One config generation: what a reload swaps (the providers and router, the prices, the limit
 * stage, the guardrails) and the pipeline made of them and of the stages that live as long as the
 * gateway. Requests {@linkplain #tryAcquire hold} the generation they started with; once a newer
 * one is current and the last holder let go, it drops its parts; a part (the router, the guardrails)
 * that later generations took over unchanged is closed when the last generation using it closed.
 */
final class Generation {
    final long number;
    final SluiceConfig config;
    final Instant loadedAt;
    final PriceCatalog prices;
    final RoutingModule routing;
    final GuardrailsModule guardrails;
    /** This generation's limits and prices over the gateway's counters. */
    final LimitStage limits;
    final Pipeline pipeline;
    private final List<String> modelNames;
    /** The current reference counts as one: the generation closes after it was retired and released by all. */
    private final AtomicInteger holders = new AtomicInteger(1);
    private final List<Part> parts = new ArrayList<>();
    private Runnable onClosed = () -> { };

    /** The parts that live as long as the gateway, which a generation's pipeline is built around. */
    record Fixed(Map<Slot, List<Stage>> stages, LimitsModule limits, Tracer tracer, RoutingFactory routing,
                 GuardrailsFactory guardrails) {}

    interface RoutingFactory {
        RoutingModule create(SluiceConfig config, PriceCatalog prices);
    }

    interface GuardrailsFactory {
        GuardrailsModule create(SluiceConfig config);
    }

    private Generation(long number, SluiceConfig config, PriceCatalog prices, RoutingModule routing,
                       GuardrailsModule guardrails, LimitStage limits, Pipeline pipeline) {
        this.number = number;
        this.config = config;
        this.loadedAt = Instant.now();
        this.prices = prices;
        this.routing = routing;
        this.guardrails = guardrails;
        this.limits = limits;
        this.pipeline = pipeline;
        this.modelNames = config.modelNames();
    }

    /**
     * Builds the generation of {@code config}, taking over the previous generation's router and
     * guardrails when their sections did not change (their state, e.g. circuit breakers, stays).
     * When building fails, what it opened is closed and the previous generation is untouched.
     */
    static Generation build(long number, SluiceConfig config, Generation previous, Fixed fixed) {
        PriceCatalog prices = PriceCatalog.withOverrides(priceOverrides(config));
        List<Part> used = new ArrayList<>();
        try {
            boolean sameRouting = previous != null && same(previous.config, config);
            Part routingPart = use(used, sameRouting ? previous.part(previous.routing)
                    : new Part(fixed.routing().create(config, prices)));
            RoutingModule routing = (RoutingModule) routingPart.module;
            PriceCatalog routedPrices = sameRouting ? previous.prices : prices;
            boolean sameGuards = previous != null && previous.config.guardrails().equals(config.guardrails());
            Part guardsPart = use(used, sameGuards ? previous.part(previous.guardrails)
                    : new Part(fixed.guardrails().create(config)));
            GuardrailsModule guardrails = (GuardrailsModule) guardsPart.module;
            LimitStage limits = fixed.limits().stage(config, routedPrices);

            Map<Slot, List<Stage>> slots = new EnumMap<>(Slot.class);
            fixed.stages().forEach((slot, list) -> slots.put(slot, new ArrayList<>(list)));
            Assembly own = new Assembly();
            own.stage(Slot.LIMITS, limits);
            guardrails.contribute(own);
            routing.contribute(own);
            own.stages().forEach((slot, list) -> slots.computeIfAbsent(slot, s -> new ArrayList<>()).addAll(list));
            List<Stage> stages = new ArrayList<>();
            slots.forEach((slot, list) -> stages.addAll(list));
            if (slots.getOrDefault(Slot.ROUTE, List.of()).size() != 1) {
                throw new IllegalStateException("the pipeline needs exactly one stage in slot ROUTE");
            }
            Pipeline pipeline = new Pipeline(stages, fixed.tracer(), routedPrices::cost);
            Generation g = new Generation(number, config, routedPrices, routing, guardrails, limits, pipeline);
            g.parts.addAll(used);
            return g;
        } catch (RuntimeException e) {
            // new parts close; parts taken over from the previous generation stay its
            for (int i = used.size() - 1; i >= 0; i--) {
                used.get(i).drop();
            }
            throw e;
        }
    }

    private static Part use(List<Part> used, Part part) {
        part.users.incrementAndGet();
        used.add(part);
        return part;
    }

    private Part part(Module module) {
        for (Part p : parts) {
            if (p.module == module) {
                return p;
            }
        }
        throw new IllegalStateException(module + " is not a part of " + this);
    }

    /** A module that one or more generations use (taken over unchanged); closed when the last of them closed. */
    private static final class Part {
        final Module module;
        final AtomicInteger users = new AtomicInteger();

        Part(Module module) {
            this.module = module;
        }

        void drop() {
            if (users.decrementAndGet() == 0) {
                Gateway.closeInReverse(List.of(module));
            }
        }
    }

    /** Whether the router of {@code a} serves {@code b} as it is (providers, models, routing and prices unchanged). */
    private static boolean same(SluiceConfig a, SluiceConfig b) {
        return a.providers().equals(b.providers()) && a.models().equals(b.models()) && a.routing().equals(b.routing())
                && a.prices().equals(b.prices());
    }

    /** Holds this generation for one request; false once it has closed (the caller takes the newer one). */
    boolean tryAcquire() {
        while (true) {
            int n = holders.get();
            if (n == 0) {
                return false;
            }
            if (holders.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** One holder (a request, or the current reference when retired) lets go; the last one closes it. */
    void release() {
        if (holders.decrementAndGet() == 0) {
            for (int i = parts.size() - 1; i >= 0; i--) {
                parts.get(i).drop();
            }
            onClosed.run();
        }
    }

    /** Told once, after the generation closed its parts. */
    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** A lease for {@link PipelineSource}: releases once. */
    PipelineSource.Lease lease() {
        AtomicBoolean open = new AtomicBoolean(true);
        List<String> names = modelNames;
        return new PipelineSource.Lease() {
            @Override
            public Pipeline pipeline() {
                return pipeline;
            }

            @Override
            public List<String> modelNames() {
                return names;
            }

            @Override
            public void close() {
                if (open.compareAndSet(true, false)) {
                    release();
                }
            }
        };
    }

    /** The config's price overrides, in the catalog's terms. */
    static Map<String, Price> priceOverrides(SluiceConfig config) {
        Map<String, Price> out = new LinkedHashMap<>();
        config.prices().forEach((model, p) -> out.put(model, new Price(p.input(), p.output(), p.cachedInput())));
        return out;
    }

    @Override
    public String toString() {
        return "config generation " + number + " (" + Objects.toString(config.source()) + ")";
    }
}
