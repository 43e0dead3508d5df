package dev.sluice.server;

import dev.sluice.auth.AuthStage;
import dev.sluice.auth.KeyService;
import dev.sluice.cache.CacheStage;
import dev.sluice.cache.ResponseCache;
import dev.sluice.embed.Embedder;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ProviderConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.observe.RequestLogger;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Stage;
import dev.sluice.provider.Provider;
import dev.sluice.route.Deployment;
import dev.sluice.route.HeaderForwarder;
import dev.sluice.route.Router;
import dev.sluice.store.Database;
import dev.sluice.store.KeyRepository;
import dev.sluice.store.Redis;
import dev.sluice.store.RequestLogReader;
import dev.sluice.store.RequestLogWriter;
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

    private final SluiceConfig config;
    private final SimulatorPool simulators;
    private final Database database;
    private final RequestLogWriter logWriter;
    private final KeyService keys;
    private final Redis redis;
    private final Embedder embedder = new Embedder();
    private final ResponseCache cache;
    private final GatewayServer server;
    private final String adminKey;
    private boolean closed;

    private Gateway(SluiceConfig config, String adminKey, Clock clock) {
        this.config = config;
        this.adminKey = adminKey;
        this.simulators = new SimulatorPool();
        Database db = null;
        Redis sharedRedis = null;
        ResponseCache responseCache = null;
        try {
            db = Database.openSqlite(Path.of(config.store().path()));
            this.database = db;
            this.logWriter = new RequestLogWriter(db, config.store().queueCapacity());
            this.keys = new KeyService(new KeyRepository(db), clock);
            Map<String, Provider> providers = new LinkedHashMap<>();
            for (ProviderConfig p : config.providers().values()) {
                providers.put(p.name(), Providers.create(p, simulators));
            }
            sharedRedis = config.redis() == null ? null : new Redis(config.redis());
            this.redis = sharedRedis;
            responseCache = cache(config, sharedRedis, embedder, clock);
            this.cache = responseCache;
            List<Stage> stages = new ArrayList<>();
            stages.add(new AuthStage(keys, config.auth().enabled()));
            if (responseCache != null) {
                stages.add(new CacheStage(responseCache));
            }
            stages.add(new Router(deployments(config, providers)));
            Pipeline pipeline = new Pipeline(stages);
            long maxBody = config.server().maxBodyBytes();
            ApiEndpoints api = new ApiEndpoints(pipeline, new RequestLogger(logWriter), keys, config.auth().enabled(),
                    config.modelNames(), maxBody);
            AdminEndpoints admin = new AdminEndpoints(keys, new RequestLogReader(db), responseCache, adminKey, maxBody,
                    clock);
            this.server = new GatewayServer(config.server().host(), config.server().port(), api, admin, db::healthy);
        } catch (RuntimeException e) {
            simulators.close();
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

    private static Map<String, List<Deployment>> deployments(SluiceConfig config, Map<String, Provider> providers) {
        Map<String, List<Deployment>> out = new LinkedHashMap<>();
        for (ModelConfig model : config.models().values()) {
            List<Deployment> list = new ArrayList<>();
            for (ModelConfig.DeploymentConfig d : model.deployments()) {
                ProviderConfig p = config.providers().get(d.provider());
                list.add(new Deployment(providers.get(d.provider()), d.model(), d.weight(), p.timeout(),
                        new HeaderForwarder(p.forwardHeaders())));
            }
            out.put(model.name(), list);
        }
        return out;
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

    public RequestLogWriter requestLog() {
        return logWriter;
    }

    /** The base URL of the embedded simulator serving a simulator-type provider, or null. */
    public String simulatorUrl(String providerName) {
        return simulators.baseUrl(config.providers().get(providerName));
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
        if (redis != null) {
            redis.close();
        }
        logWriter.close();
        LOG.info("request log flushed: {} written, {} dropped", logWriter.written(), logWriter.dropped());
        simulators.close();
        database.close();
    }
}
