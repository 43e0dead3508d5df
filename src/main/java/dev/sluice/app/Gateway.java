package dev.sluice.app;

import dev.sluice.admin.ConfigAdmin;
import dev.sluice.api.Json;
import dev.sluice.config.ConfigDiff;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigReloader;
import dev.sluice.config.ConfigSource;
import dev.sluice.config.ConfigWatcher;
import dev.sluice.config.ReloadResult;
import dev.sluice.config.ServerConfig;
import dev.sluice.store.AuditEntry;
import java.time.Instant;
import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.server.ApiEndpoints;
import dev.sluice.server.ConnectionLimits;
import dev.sluice.server.GatewayServer;
import dev.sluice.server.netty.NettyTransport;
import dev.sluice.threads.OffCarrier;
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
public final class Gateway implements AutoCloseable, ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final SluiceConfig config;
    private final String adminKey;
    private final List<Module> modules = new ArrayList<>();
    private final StoreModule store;
    private final RetentionModule retention;
    private final QualityModule quality;
    private final PromptsModule prompts;
    private final AlertsModule alerts;
    private final MetricsModule metrics;
    private final AuthModule auth;
    private final GatewayServer server;
    private final Generations generations;
    private final ConfigSource source;
    private final ConfigWatcher watcher;
    private boolean closed;

    private Gateway(SluiceConfig config, String adminKey, Clock clock, ConfigSource source) {
        this.config = config;
        this.adminKey = adminKey;
        this.source = source;
        GatewayServer.requireFree(config.server().host(), config.server().port());
        NettyAhead.begin();
        ConfigWatcher watching = null;
        try {
            long maxBody = config.server().maxBodyBytes();
            Embedder embedder = new Embedder();
            // 10 s without a collection: a young collection comes every few dozen to few hundred requests
            // (the launcher's 16 MB heap), so this fires only once traffic has dropped to a few requests a
            // second or none, and costs a malloc_trim of a few ms (bench/README.md, "Session 7")
            IdleHeapTrim idleTrim = add(new IdleHeapTrim(java.time.Duration.ofSeconds(10)));
            this.store = add(StoreModule.open(config.store(), config.redis()));
            this.retention = add(new RetentionModule(config.retention(), store, clock));
            this.auth = add(new AuthModule(config.auth(), adminKey, store, clock, maxBody));
            TelemetryModule telemetry = add(new TelemetryModule(config.tracing(), store, auth.callers(), maxBody, clock));
            add(new CaptureModule(config.tracing(), store));
            this.alerts = add(new AlertsModule(config.alerts(), store, auth, clock));
            // providers, router, prices, limit stage and guardrails: one config generation, swapped by a reload
            Generations generations = new Generations(telemetry.tracer());
            LimitsModule limits = add(new LimitsModule(store, alerts, auth, generations, clock));
            this.generations = add(generations);
            Pipeline direct = generations.direct();
            Generation.RoutingFactory routingFactory = (c, prices) -> new RoutingModule(c, prices, clock, embedder,
                    telemetry.tracer()).judgedThrough(direct, store.requestLogger());
            Generation.GuardrailsFactory guardsFactory = c -> new GuardrailsModule(c.guardrails(), embedder, direct, store);
            // model rollouts name the models of the config serving now (a reload may add some)
            this.prompts = add(new PromptsModule(store, auth, alerts, direct, retention, config.retention(),
                    () -> generations.current().config.modelNames(), clock));
            prompts.chargeShadowsTo(limits::charge);
            add(new CacheModule(config, store, embedder, clock, auth));
            this.metrics = add(new MetricsModule(config, store, limits));
            FeedbackModule feedback = add(new FeedbackModule(config.retention(), store, retention, auth, metrics, alerts,
                    clock, maxBody));
            add(new AdminModule(store, auth));
            add(new AnalyticsModule(config.analytics(), store, auth));
            this.quality = add(new QualityModule(config.quality(), store, alerts, auth, embedder, direct, feedback, clock));
            add(new EvalModule(store, auth, retention, config.retention()));
            add(new DashboardModule(config.dashboard(), auth, clock, maxBody));

            Assembly assembly = new Assembly();
            modules.forEach(m -> m.contribute(assembly));
            generations.start(config, new Generation.Fixed(assembly.stages(), limits, telemetry.tracer(), routingFactory,
                    guardsFactory));
            assembly.endpoints(new ApiEndpoints(generations, store.requestLogger(), telemetry.tracer(), assembly.listeners(),
                    auth.callers(), maxBody));
            assembly.endpoints(new ConfigAdmin(auth.adminGuard(), this));
            if (source != null && source.file() != null && config.server().configWatch()) {
                watching = ConfigWatcher.start(source.file(), ConfigWatcher.DEFAULT_DEBOUNCE,
                        () -> reload("config_watch", "config-watch", "system", null));
            }
            ServerConfig s = config.server();
            this.server = new GatewayServer(s.host(), s.port(),
                    new ConnectionLimits(s.headerTimeout(), s.idleTimeout(), s.maxConnectionsPerIp()), new NettyTransport(s.tls() == null ? null
                            : new NettyTransport.Tls(s.tls().cert(), s.tls().key())),
                    assembly.endpoints(), assembly.readiness());
            idleTrim.inFlightFrom(server::inFlight);
        } catch (RuntimeException e) {
            if (watching != null) {
                watching.close();
            }
            closeInReverse(modules);
            throw e;
        }
        this.watcher = watching;
    }

    private <M extends Module> M add(M module) {
        modules.add(module);
        return module;
    }

    /** Starts a gateway; the admin key comes from the config. */
    public static Gateway start(SluiceConfig config) {
        return new Gateway(config, config.auth().adminKey(), Clock.systemUTC(), null);
    }

    /**
     * Starts a gateway with an explicit admin key (the demo generates one) and clock (tests move time).
     *
     * @throws dev.sluice.server.PortInUseException when the configured port is taken
     */
    public static Gateway start(SluiceConfig config, String adminKey, Clock clock) {
        return new Gateway(config, adminKey, clock, null);
    }

    /**
     * Starts a gateway that can {@linkplain #reload reload} its config from {@code source}
     * ({@code POST /admin/config/reload}, SIGHUP, and {@code server.config_watch} when the source is a file).
     */
    public static Gateway start(SluiceConfig config, String adminKey, Clock clock, ConfigSource source) {
        return new Gateway(config, adminKey, clock, source);
    }

    public int port() {
        return server.port();
    }

    /**
     * Loads a new TLS certificate and key (PEM files) for the HTTPS listener: new connections use them,
     * open ones keep the old ones (for the config reload and certificate rotation).
     */
    public void reloadTls(java.nio.file.Path cert, java.nio.file.Path key) {
        server.reloadTls(cert, key);
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

    /** The config the gateway started with (a reload changes what {@link #status()} reports, not this). */
    public SluiceConfig config() {
        return config;
    }

    /**
     * Reads the config source again and applies what changed (providers, models, routing,
     * guardrails, limits, prices, alerts) for requests that start from now on; requests in flight
     * finish on the generation they started with. An invalid file changes nothing and the result
     * lists every problem; changes only a restart applies are listed as such. Audited either way.
     *
     * @throws IllegalStateException when the gateway was started without a config source
     */
    @Override
    public ReloadResult reload(String trigger, String actor, String role, String requestId) {
        // on a platform thread: building a generation is CPU work (the config read, every module assembled, models
        // loaded), and a virtual thread is not preempted — on the launcher's one carrier a reload from SIGHUP or the
        // admin API would hold up every request for as long as it computes (bench/README.md, "Session 11: one carrier")
        return OffCarrier.get(() -> reloadHere(trigger, actor, role, requestId));
    }

    private synchronized ReloadResult reloadHere(String trigger, String actor, String role, String requestId) {
        if (source == null) {
            throw new IllegalStateException("this gateway was started from config text, not from a file it can read again");
        }
        if (closed) {
            throw new IllegalStateException("the gateway is shutting down");
        }
        Generation running = generations.current();
        String where = source.file() == null ? "built-in demo config" : source.file().toString();
        ReloadResult result;
        SluiceConfig next = null;
        List<String> errors = List.of();
        try {
            next = source.load();
        } catch (ConfigException e) {
            errors = e.problems();
        } catch (RuntimeException e) {
            errors = List.of(where + ": " + e.getMessage());
        }
        if (next != null && config.server().tls() != null && next.server().tls() != null) {
            // certificate rotation: the PEM files are read again on every reload (a bad pair keeps the old one)
            try {
                server.reloadTls(next.server().tls().cert(), next.server().tls().key());
            } catch (RuntimeException e) {
                errors = List.of(where + ": server.tls: the certificate or key could not be loaded (" + e.getMessage()
                        + "); the running certificate is kept");
                next = null;
            }
        }
        if (next == null) {
            result = new ReloadResult("rejected", running.number, where, trigger, Instant.now(), List.of(), List.of(), errors);
        } else {
            List<String> changed = ConfigDiff.between(running.config, next).changed();
            List<String> restart = ConfigDiff.between(config, next).requiresRestart();
            if (changed.isEmpty()) {
                result = new ReloadResult("unchanged", running.number, where, trigger, Instant.now(), changed, restart,
                        List.of());
            } else {
                Generation g = null;
                String failure = null;
                try {
                    g = generations.swap(next);
                } catch (RuntimeException e) {
                    LOG.warn("the reloaded config could not be applied", e);
                    failure = e.getMessage();
                }
                if (g == null) {
                    result = new ReloadResult("rejected", running.number, where, trigger, Instant.now(), changed, restart,
                            List.of(where + ": the new config could not be applied: " + failure));
                } else {
                    // the new generation serves from here on: a part that fails to follow is reported with the
                    // applied outcome (saying "rejected" would claim the old config still serves)
                    List<String> partial = new ArrayList<>();
                    if (!running.config.alerts().equals(next.alerts())) {
                        try {
                            alerts.reload(next.alerts());
                        } catch (RuntimeException e) {
                            LOG.warn("the reloaded alert rules could not be started", e);
                            partial.add(where + ": alerts: the new rules could not be started (" + e.getMessage()
                                    + "); the previous rules keep running");
                        }
                    }
                    metrics.models(next.modelNames());
                    result = new ReloadResult("applied", g.number, where, trigger, Instant.now(), changed, restart, partial);
                }
            }
        }
        lastReload = result;
        if (result.rejected()) {
            LOG.warn("{}", result.summary());
        } else {
            LOG.info("{}", result.summary());
        }
        audit(result, running.number, actor, role, requestId);
        return result;
    }

    private volatile ReloadResult lastReload;

    /** For tests: the config generations (current, and what a new one is built from). */
    Generations generations() {
        return generations;
    }

    /** For tests: config generations not closed yet (older ones stay open while requests that started on them run). */
    int openGenerations() {
        return generations.open();
    }

    @Override
    public ConfigReloader.Status status() {
        Generation g = generations.current();
        return new ConfigReloader.Status(g.number, g.config.source(), g.loadedAt, source != null, watcher != null,
                lastReload);
    }

    /** Records the reload in the audit log (never secrets: section and entry names, and the file's problems). */
    private void audit(ReloadResult r, long before, String actor, String role, String requestId) {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("outcome", r.outcome());
        after.put("trigger", r.trigger());
        after.put("generation", r.generation());
        after.put("changed", r.changed());
        after.put("requires_restart", r.requiresRestart());
        after.put("errors", r.errors());
        try {
            auth.audit().append(new AuditEntry(System.currentTimeMillis(), actor, role,
                    r.rejected() ? "config.reload_rejected" : "config.reload", r.source(), null,
                    Json.string(Map.of("generation", before)), Json.string(after), requestId));
        } catch (RuntimeException e) {
            LOG.warn("the config reload could not be recorded in the audit log: {}", e.toString());
        }
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
        if (watcher != null) {
            watcher.close();
        }
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
}
