package dev.sluice.server;

import dev.sluice.alert.AlertEvaluator;
import dev.sluice.alert.AlertSink;
import dev.sluice.auth.AdminKeyService;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AuthStage;
import dev.sluice.auth.TeamService;
import dev.sluice.cache.CacheStage;
import dev.sluice.cache.ResponseCache;
import dev.sluice.config.ModelConfig;
import dev.sluice.limits.BudgetAlerts;
import dev.sluice.limits.LimitStage;
import dev.sluice.limits.Limiter;
import dev.sluice.limits.Limiters;
import dev.sluice.pricing.Price;
import dev.sluice.store.AdminKeyRepository;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.Redis;
import dev.sluice.store.TeamRepository;
import dev.sluice.auth.KeyService;
import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.BodyRedactor;
import dev.sluice.guard.Guardrails;
import dev.sluice.observe.Feedback;
import dev.sluice.observe.LabelLimiter;
import dev.sluice.observe.RecentRequests;
import dev.sluice.observe.Metrics;
import dev.sluice.guard.pii.PhoneDetector;
import dev.sluice.observe.BodyCapture;
import dev.sluice.observe.RequestLogger;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.provider.Providers;
import dev.sluice.embed.Embedder;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.route.Router;
import dev.sluice.route.RouterFactory;
import dev.sluice.route.Watchdog;
import dev.sluice.store.Database;
import dev.sluice.store.KeyRepository;
import dev.sluice.store.Redis;
import dev.sluice.store.RequestLogReader;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.BodyRecord;
import dev.sluice.store.BodySink;
import dev.sluice.observe.Tracing;
import dev.sluice.store.Erasure;
import dev.sluice.store.FeedbackReader;
import dev.sluice.store.FeedbackRecord;
import dev.sluice.store.FeedbackSink;
import dev.sluice.store.FeedbackSummary;
import dev.sluice.store.Retention;
import dev.sluice.store.RequestLogSink;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import dev.sluice.store.RequestSearch;
import dev.sluice.store.SpanReader;
import dev.sluice.store.StatsReader;
import dev.sluice.store.RequestRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires Sluice together from a config, in one place, by hand: store → keys → providers → router →
 * pipeline → HTTP server. {@link #close()} drains in-flight work, stops the server and flushes the
 * request log.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** An aggregate reading more request-log rows than this is refused with a 400 asking to narrow it. */
    private static final long MAX_STATS_ROWS = 2_000_000;

    private final SluiceConfig config;
    private final Providers providers;
    private final Database database;
    private final BatchWriter<RequestRecord> logWriter;
    private final BatchWriter<SpanRecord> spanWriter;
    private final BatchWriter<FeedbackRecord> feedbackWriter;
    private final BatchWriter<BodyRecord> bodyWriter;
    private final Tracing tracing;
    private final Retention retention;
    private final KeyService keys;
    private final ResponseCache cache;
    private final GatewayServer server;
    private final Guardrails guardrails;
    private final String adminKey;
    private final Watchdog watchdog = new Watchdog();
    private final Embedder embedder = new Embedder();
    private final Router router;
    private final Redis redis;
    private final Limiter limiter;
    private final Metrics metrics;
    private final AlertEvaluator alertRules;
    private boolean closed;

    private Gateway(SluiceConfig config, String adminKey, Clock clock) {
        this.config = config;
        this.adminKey = adminKey;
        this.providers = Providers.create(config.providers());
        Database db = null;
        Redis sharedRedis = null;
        ResponseCache responseCache = null;
        Metrics meters = null;
        AlertEvaluator evaluator = null;
        try {
            db = config.store().url() != null ? Database.openPostgres(config.store().url())
                    : Database.openSqlite(Path.of(config.store().path()));
            this.database = db;
            sharedRedis = config.redis() == null ? null : new Redis(config.redis());
            this.redis = sharedRedis;
            this.logWriter = new BatchWriter<>("request-log", db, new RequestLogSink(), RequestRecord.class,
                    config.store().queueCapacity(), Path.of(config.store().spillDir()));
            this.spanWriter = new BatchWriter<>("spans", db, new SpanSink(), SpanRecord.class,
                    config.store().queueCapacity(), Path.of(config.store().spillDir()));
            this.feedbackWriter = new BatchWriter<>("feedback", db, new FeedbackSink(), FeedbackRecord.class,
                    config.store().queueCapacity(), Path.of(config.store().spillDir()));
            this.bodyWriter = new BatchWriter<>("bodies", db, new BodySink(), BodyRecord.class,
                    config.store().queueCapacity(), Path.of(config.store().spillDir()));
            this.tracing = Tracing.create(config.tracing(), spanWriter);
            KeyRepository keyRepository = new KeyRepository(db);
            TeamRepository teamRepository = new TeamRepository(db);
            this.keys = new KeyService(keyRepository, teamRepository, clock);
            TeamService teams = new TeamService(teamRepository, keyRepository, clock);
            RequestLogReader logReader = new RequestLogReader(db);
            PriceCatalog prices = PriceCatalog.withOverrides(priceOverrides(config));
            this.router = RouterFactory.create(config, providers.byName(), prices, clock, watchdog, embedder, Thread::sleep,
                    tracing.tracer());
            this.limiter = Limiters.create(redis, logReader, clock);
            meters = config.metrics() == null ? null : Metrics.create(config.metrics(), config.tracing().serviceName(),
                    java.util.Set.copyOf(config.modelNames()), LabelLimiter.defaults());
            this.metrics = meters;
            List<Exchange.CompletionListener> listeners = new ArrayList<>();
            if (meters != null) {
                meters.watch("request-log", logWriter);
                meters.watch("spans", spanWriter);
                meters.watch("feedback", feedbackWriter);
                meters.watch("bodies", bodyWriter);
                if (limiter instanceof dev.sluice.limits.FailoverLimiter failover) {
                    meters.watchRedisFallbacks(failover::fallbacks);
                }
                listeners.add(meters);
            }
            RecentRequests recent = new RecentRequests(50_000, java.time.Duration.ofMinutes(10));
            listeners.add(recent);
            List<java.util.function.Consumer<FeedbackRecord>> feedbackListeners = new ArrayList<>();
            if (meters != null) {
                Metrics m = meters;
                feedbackListeners.add(f -> m.feedback(f.name(), f.sentiment(), f.model()));
            }
            responseCache = cache(config, sharedRedis, embedder, clock);
            this.cache = responseCache;
            RequestLogger requestLogger = new RequestLogger(logWriter);
            Pipeline judgePipeline = new Pipeline(List.of(router), tracing.tracer());
            this.guardrails = Guardrails.create(config.guardrails(), () -> embedder,
                    (model, system, user, parent) -> judge(judgePipeline, requestLogger, model, system, user, parent));
            AlertSink alerts = new AlertSink(config.alerts().webhook());
            if (!config.alerts().rules().isEmpty()) {
                evaluator = new AlertEvaluator(config.alerts().rules(), config.alerts().evaluationInterval(), alerts,
                        clock, true);
                listeners.add(evaluator);
                feedbackListeners.add(evaluator::feedback);
            }
            this.alertRules = evaluator;
            List<Stage> stages = new ArrayList<>();
            stages.add(new AuthStage(keys, teams, config.auth().enabled()));
            if (BodyCapture.enabled(config.tracing())) {
                // right after auth: the caller is known, and refusals by limits or guards are captured too
                BodyRedactor redactor = BodyRedactor.standard(PhoneDetector.DEFAULT_REGIONS);
                stages.add(new BodyCapture(config.tracing(), bodyWriter, redactor::redact));
            }
            stages.add(new LimitStage(limiter, config.limits(), prices, priceModels(config),
                    new BudgetAlerts(config.alerts().budgetThresholds(), alerts, redis), clock));
            if (guardrails != null) {
                // input guards see the request before the cache and the upstream; the output guard sits
                // inside them, so redaction placeholders are restored after the answer was scanned, and
                // cached answers are scanned too
                stages.add(guardrails.inputStage());
                stages.add(guardrails.outputStage());
            }
            if (responseCache != null) {
                stages.add(new CacheStage(responseCache));
            }
            stages.add(router);
            Pipeline pipeline = new Pipeline(stages, tracing.tracer());
            long maxBody = config.server().maxBodyBytes();
            ApiEndpoints api = new ApiEndpoints(pipeline, requestLogger, tracing.tracer(), listeners,
                    keys, teams, config.auth().enabled(), config.modelNames(), maxBody);
            AuditRepository audit = new AuditRepository(db);
            AdminKeyService access = new AdminKeyService(new AdminKeyRepository(db), teamRepository, adminKey, clock);
            AdminGuard guard = new AdminGuard(access, audit, clock, maxBody);
            Erasure erasure = new Erasure(db);
            erasure.add("feedback", "end_user");
            FeedbackReader feedbackReader = new FeedbackReader(db);
            FeedbackEndpoints feedback = new FeedbackEndpoints(new Feedback(feedbackWriter, feedbackReader, recent, clock,
                    feedbackListeners), feedbackReader, new FeedbackSummary(db), keys, teams, config.auth().enabled(),
                    guard, maxBody);
            GatewayServer.Admin admin = new GatewayServer.Admin(new KeysAdmin(guard, keys), new TeamsAdmin(guard, teams),
                    new AccessAdmin(guard, access), new LogsAdmin(guard, logReader, audit), new CacheAdmin(guard, responseCache),
                    new UsersAdmin(guard, erasure), new AnalyticsAdmin(guard, new RequestSearch(db),
                    new SpanReader(db), new StatsReader(db), MAX_STATS_ROWS));
            this.retention = new Retention(db, config.retention(), clock, true);
            retention.add("feedback", "ts", false, config.retention().feedback());
            TraceEndpoint traceIngest = new TraceEndpoint(keys, config.auth().enabled(), spanWriter, maxBody);
            this.server = new GatewayServer(config.server().host(), config.server().port(), api, traceIngest, admin,
                    new MetricsEndpoint(meters, config.metrics() == null ? null : config.metrics().bearerToken()), feedback,
                    db::healthy);
        } catch (RuntimeException e) {
            if (meters != null) {
                meters.close();
            }
            if (evaluator != null) {
                evaluator.close();
            }
            watchdog.close();
            providers.close();
            if (responseCache != null) {
                responseCache.close();
            }
            if (sharedRedis != null) {
                sharedRedis.close();
            }
            if (db != null) {
                db.close();
            }
            throw e;
        }
    }

    /** Starts a gateway; the admin key comes from the config. */
    public static Gateway start(SluiceConfig config) {
        return new Gateway(config, config.auth().adminKey(), Clock.systemUTC());
    }

    /** Starts a gateway with an explicit admin key (the demo generates one) and clock (tests move time). */
    public static Gateway start(SluiceConfig config, String adminKey, Clock clock) {
        return new Gateway(config, adminKey, clock);
    }

    /**
     * The LLM-as-judge guardrail's call: a chat request through the router (so routing and fallbacks
     * apply), logged in the request log as {@code <request id>-judge}.
     */
    private static String judge(Pipeline pipeline, RequestLogger log, String model, String system, String user,
                                String parentRequestId) {
        Exchange ex = new Exchange(parentRequestId + "-judge", Exchange.Operation.CHAT, Map.of());
        ex.chat(new ChatRequest(model, List.of(ChatMessage.of("system", system), ChatMessage.of("user", user)), false,
                false, null, null, Json.object().put("type", "json_object"), null, null, null, 0.0, null, null, 200, null,
                null, null));
        ex.onComplete(log);
        Reply reply = pipeline.execute(ex);
        if (reply instanceof Reply.Chat chat) {
            ex.complete(200, null);
            return chat.response().text();
        }
        SluiceException error = reply instanceof Reply.Failure f ? f.error()
                : SluiceException.internal("the judge model did not answer with a chat completion", null);
        ex.complete(error.status(), error.code() != null ? error.code() : error.type());
        throw error;
    }

    /** The response cache when configured; its index lives next to the store unless configured elsewhere. */
    private static ResponseCache cache(SluiceConfig config, Redis redis, Embedder embedder, Clock clock) {
        if (!config.cache().enabled()) {
            return null;
        }
        Path index = null;
        if (config.cache().semantic().enabled()) {
            String path = config.cache().semantic().path();
            index = path != null ? Path.of(path) : ResponseCache.defaultIndexPath(config.store().path());
        }
        return new ResponseCache(config.cache(), redis, embedder, index, clock);
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

    public KeyService keys() {
        return keys;
    }

    /** The response cache, or null when none is configured. */
    public ResponseCache cache() {
        return cache;
    }

    /** API requests being handled right now (their completion listeners included). */
    public int inFlight() {
        return server.inFlight();
    }

    /** The retention job, for tests that run it after moving the clock. */
    public Retention retention() {
        return retention;
    }

    /** The span writer, for tests that wait until spans are stored. */
    public BatchWriter<SpanRecord> spanLog() {
        return spanWriter;
    }

    /** The feedback writer, for tests that wait until feedback is stored. */
    public BatchWriter<FeedbackRecord> feedbackLog() {
        return feedbackWriter;
    }

    /** The captured-bodies writer, for tests that wait until bodies are stored. */
    public BatchWriter<BodyRecord> bodyLog() {
        return bodyWriter;
    }

    public BatchWriter<RequestRecord> requestLog() {
        return logWriter;
    }

    /** The guardrails (for their metrics), or null when none are configured. */
    public Guardrails guardrails() {
        return guardrails;
    }

    /** Stops taking new work, lets in-flight requests and streams finish, then shuts down. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.beginDrain();
        server.awaitIdle(config.server().drainTimeout());
        server.stop();
        if (cache != null) {
            cache.close();
        }
        retention.close();
        if (alertRules != null) {
            alertRules.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        tracing.close();
        spanWriter.close();
        feedbackWriter.close();
        bodyWriter.close();
        logWriter.close();
        if (guardrails != null) {
            guardrails.close();
        }
        LOG.info("request log flushed: {} written, {} dropped", logWriter.written(), logWriter.dropped());
        providers.close();
        watchdog.close();
        if (redis != null) {
            redis.close();
        }
        database.close();
    }

    /** The config's price overrides, in the catalog's terms. */
    private static Map<String, Price> priceOverrides(SluiceConfig config) {
        Map<String, Price> out = new LinkedHashMap<>();
        config.prices().forEach((model, p) -> out.put(model, new Price(p.input(), p.output(), p.cachedInput())));
        return out;
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

    /** The alert rules' evaluator, or null when no rules are configured. */
    public AlertEvaluator alertRules() {
        return alertRules;
    }

    /** The metrics, or null when the config has no metrics: section. */
    public Metrics metrics() {
        return metrics;
    }

    /** The limiter, for tests that watch fallbacks. */
    public Limiter limiter() {
        return limiter;
    }

    /** The router, for tests that inspect deployments (breaker states, in-flight counts). */
    public Router router() {
        return router;
    }
}
