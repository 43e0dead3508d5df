package dev.sluice.app;

import dev.sluice.config.SluiceConfig;
import dev.sluice.observe.LabelLimiter;
import dev.sluice.observe.Metrics;
import dev.sluice.server.MetricsEndpoint;
import dev.sluice.store.FeedbackRecord;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code metrics:}: OpenTelemetry instruments recorded by a completion listener, served as
 * Prometheus text on {@code /metrics} (404 while off) and pushed over OTLP when configured; the
 * store's writers and the shared limiter's fallbacks are watched too.
 */
final class MetricsModule implements Module {
    private final Metrics metrics;
    private final String bearerToken;

    MetricsModule(SluiceConfig config, StoreModule store, LimitsModule limits) {
        if (config.metrics() == null) {
            this.metrics = null;
            this.bearerToken = null;
            return;
        }
        this.bearerToken = config.metrics().bearerToken();
        this.metrics = Metrics.create(config.metrics(), config.tracing().serviceName(), Set.copyOf(config.modelNames()),
                LabelLimiter.defaults());
        StoreWriters w = store.writers();
        metrics.watch("request-log", w.requestLog());
        metrics.watch("spans", w.spans());
        metrics.watch("feedback", w.feedback());
        metrics.watch("bodies", w.bodies());
        LongSupplier fallbacks = limits.redisFallbacks();
        if (fallbacks != null) {
            metrics.watchRedisFallbacks(fallbacks);
        }
    }

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public void contribute(Contributions to) {
        if (metrics != null) {
            to.listener(metrics);
        }
        to.endpoints(new MetricsEndpoint(metrics, bearerToken));
    }

    void feedback(FeedbackRecord f) {
        if (metrics != null) {
            metrics.feedback(f.name(), f.sentiment(), f.model());
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
