package dev.sluice.app;

import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pricing.Price;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.server.ApiEndpoints;
import dev.sluice.server.ConnectionLimits;
import dev.sluice.server.GatewayServer;
import dev.sluice.server.helidon.HelidonTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice, assembled: a list of {@link Module}s, each built from its config section, whose stages
 * (in their {@link Slot}s), completion listeners, routes and readiness checks make the gateway;
 * then the {@code /v1} endpoints over the pipeline, and the HTTP server. {@link #close()} drains
 * in-flight work, stops the server, and closes the modules in reverse order of creation (which is
 * also what happens when one of them fails to start).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final SluiceConfig config;
    private final String adminKey;
    private final List<Module> modules = new ArrayList<>();
    private final StoreModule store;
    private final RetentionModule retention;
    private final QualityModule quality;
    private final PromptsModule prompts;
    private final GatewayServer server;
    private boolean closed;

    private Gateway(SluiceConfig config, String adminKey, Clock clock) {
        this.config = config;
        this.adminKey = adminKey;
        GatewayServer.requireFree(config.server().host(), config.server().port());
        try {
            long maxBody = config.server().maxBodyBytes();
            PriceCatalog prices = PriceCatalog.withOverrides(priceOverrides(config));
            Embedder embedder = new Embedder();
            this.store = add(StoreModule.open(config.store(), config.redis()));
            this.retention = add(new RetentionModule(config.retention(), store, clock));
            AuthModule auth = add(new AuthModule(config.auth(), adminKey, store, clock, maxBody));
            TelemetryModule telemetry = add(new TelemetryModule(config.tracing(), store, auth.callers(), maxBody, clock));
            add(new CaptureModule(config.tracing(), store));
            RoutingModule routing = add(new RoutingModule(config, prices, clock, embedder, telemetry.tracer()));
            AlertsModule alerts = add(new AlertsModule(config.alerts(), auth, clock));
            this.prompts = add(new PromptsModule(store, auth, alerts, routing, retention, config.retention(), clock));
            LimitsModule limits = add(new LimitsModule(config, store, prices, alerts, clock));
            add(new GuardrailsModule(config.guardrails(), embedder, routing, store));
            add(new CacheModule(config, store, embedder, clock, auth));
            MetricsModule metrics = add(new MetricsModule(config, store, limits));
            FeedbackModule feedback = add(new FeedbackModule(config.retention(), store, retention, auth, metrics, alerts,
                    clock, maxBody));
            add(new AdminModule(store, auth));
            add(new AnalyticsModule(config.analytics(), store, auth));
            this.quality = add(new QualityModule(config.quality(), store, alerts, auth, embedder, routing, feedback, clock));
            add(new EvalModule(store, auth, retention, config.retention()));
            add(new DashboardModule(config.dashboard(), auth, clock, maxBody));

            Assembly assembly = new Assembly();
            modules.forEach(m -> m.contribute(assembly));
            Pipeline pipeline = new Pipeline(assembly.pipeline(), telemetry.tracer(), prices::cost);
            assembly.endpoints(new ApiEndpoints(pipeline, store.requestLogger(), telemetry.tracer(), assembly.listeners(),
                    auth.callers(), config.modelNames(), maxBody));
            ServerConfig s = config.server();
            this.server = new GatewayServer(s.host(), s.port(),
                    new ConnectionLimits(s.headerTimeout(), s.idleTimeout(), s.maxConnectionsPerIp()), new HelidonTransport(),
                    assembly.endpoints(), assembly.readiness());
        } catch (RuntimeException e) {
            closeInReverse(modules);
            throw e;
        }
    }

    private <M extends Module> M add(M module) {
        modules.add(module);
        return module;
    }

    /** Starts a gateway; the admin key comes from the config. */
    public static Gateway start(SluiceConfig config) {
        return new Gateway(config, config.auth().adminKey(), Clock.systemUTC());
    }

    /**
     * Starts a gateway with an explicit admin key (the demo generates one) and clock (tests move time).
     *
     * @throws dev.sluice.server.PortInUseException when the configured port is taken
     */
    public static Gateway start(SluiceConfig config, String adminKey, Clock clock) {
        return new Gateway(config, adminKey, clock);
    }

    public int port() {
        return server.port();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8080/v1}. */
    public String baseUrl() {
        String host = config.server().host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + port() + "/v1";
    }

    public String adminKey() {
        return adminKey;
    }

    public SluiceConfig config() {
        return config;
    }

    /** API requests being handled right now (their completion listeners included). */
    public int inFlight() {
        return server.inFlight();
    }

    /**
     * For tests: waits (up to {@code timeout}) until no API request is in flight, so completed
     * requests' listeners have queued their records, then (up to {@code timeout} again) until every
     * queued record (request log, spans, feedback, bodies) is stored.
     *
     * @return false when the records were not all stored in time
     */
    public boolean awaitFlushed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (server.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return store.flush(timeout.toMillis());
    }

    /** For tests and the demo: waits until sampled answers have reached the drift figures and evaluators' scores are stored. */
    public boolean awaitQualityWork(Duration timeout) {
        // requests still in flight have not run their completion listeners, which hand over the samples
        return awaitFlushed(timeout) && (quality.drift() == null || quality.drift().awaitIdle(timeout))
                && (quality.evaluators() == null || quality.evaluators().awaitIdle(timeout))
                && awaitFlushed(timeout);
    }

    /** For tests that move the clock: runs the retention job now; rows deleted per table. */
    public Map<String, Integer> runRetention() {
        return retention.retention().runOnce();
    }

    /** For tests that move the clock: evaluates the canary rollouts this instance drives, now. */
    public List<dev.sluice.prompts.rollout.RolloutState> runRollouts() {
        return prompts.tick();
    }

    /** For tests of the store's outages: the background writers (queue, spill file, counters). */
    public StoreWriters writers() {
        return store.writers();
    }

    /** Stops taking new work, lets in-flight requests and streams finish, then shuts down. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.drainAndStop(config.server().drainTimeout());
        closeInReverse(modules);
    }

    /** Closes each resource, last opened first; one failing does not keep the others open. */
    static void closeInReverse(List<? extends AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", opened.get(i), e);
            }
        }
    }

    /** The config's price overrides, in the catalog's terms. */
    private static Map<String, Price> priceOverrides(SluiceConfig config) {
        Map<String, Price> out = new LinkedHashMap<>();
        config.prices().forEach((model, p) -> out.put(model, new Price(p.input(), p.output(), p.cachedInput())));
        return out;
    }
}
