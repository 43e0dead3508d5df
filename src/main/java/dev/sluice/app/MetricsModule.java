package dev.sluice.app;

import dev.sluice.config.MetricsConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.observe.LabelLimiter;
import dev.sluice.observe.Metrics;
import dev.sluice.server.MetricsEndpoint;
import dev.sluice.store.FeedbackRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metrics:}: OpenTelemetry instruments recorded by a completion listener, served as
 * Prometheus text on {@code /metrics} (404 while off) and pushed over OTLP when configured; the
 * store's writers and the shared limiter's fallbacks are watched too.
 */
final class MetricsModule implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsModule.class);

    private final Metrics metrics;
    private final MetricsEndpoint.Access access;

    MetricsModule(SluiceConfig config, StoreModule store, LimitsModule limits) {
        if (config.metrics() == null) {
            this.metrics = null;
            this.access = MetricsEndpoint.Access.open();
            return;
        }
        this.access = access(config.metrics(), config.server().host());
        this.metrics = Metrics.create(config.metrics(), config.tracing().serviceName(), Set.copyOf(config.modelNames()),
                LabelLimiter.defaults());
        StoreWriters w = store.writers();
        metrics.watch("request-log", w.requestLog());
        metrics.watch("spans", w.spans());
        metrics.watch("feedback", w.feedback());
        metrics.watch("bodies", w.bodies());
        metrics.watch("reviews", w.reviews());
        LongSupplier fallbacks = limits.redisFallbacks();
        if (fallbacks != null) {
            metrics.watchRedisFallbacks(fallbacks);
        }
        metrics.watchEventLoops(dev.sluice.server.netty.NettyLoops::pendingTasks);
        if (store.membership() != null) {
            metrics.watchClusterNodes(store::liveNodes);
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
        to.endpoints(new MetricsEndpoint(metrics, access));
    }

    /**
     * /metrics shows key ids, team names and spend: a token guards it unless the gateway listens on loopback only
     * (nothing else can reach it) or the config opens it on purpose with {@code public: true}.
     */
    private static MetricsEndpoint.Access access(MetricsConfig metrics, String host) {
        if (metrics.bearerToken() != null) {
            return MetricsEndpoint.Access.token(metrics.bearerToken());
        }
        if (metrics.open() || isLoopback(host)) {
            return MetricsEndpoint.Access.open();
        }
        LOG.warn("/metrics refuses every scrape: server.host {} is not loopback and metrics.bearer_token is not set"
                + " (set it, or metrics.public: true to serve /metrics to anyone who can reach the port)", host);
        return MetricsEndpoint.Access.closed("GET /metrics needs a token: set metrics.bearer_token and send"
                + " 'Authorization: Bearer <token>', or set metrics.public: true to open it on purpose (server.host "
                + host + " is reachable from other machines).");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The public model names after a config reload (metrics label other names {@code other}). */
    void models(java.util.List<String> names) {
        if (metrics != null) {
            metrics.models(Set.copyOf(names));
        }
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
