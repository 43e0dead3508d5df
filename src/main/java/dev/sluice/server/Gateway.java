package dev.sluice.server;

import dev.sluice.auth.AuthStage;
import dev.sluice.auth.KeyService;
import dev.sluice.config.ProviderConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.observe.RequestLogger;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Stage;
import dev.sluice.provider.Provider;
import dev.sluice.embed.Embedder;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.route.Router;
import dev.sluice.route.RouterFactory;
import dev.sluice.route.Watchdog;
import dev.sluice.store.Database;
import dev.sluice.store.KeyRepository;
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
    private final GatewayServer server;
    private final String adminKey;
    private final Watchdog watchdog = new Watchdog();
    private final Embedder embedder = new Embedder();
    private final Router router;
    private boolean closed;

    private Gateway(SluiceConfig config, String adminKey, Clock clock) {
        this.config = config;
        this.adminKey = adminKey;
        this.simulators = new SimulatorPool();
        Database db = null;
        try {
            db = config.store().url() != null ? Database.openPostgres(config.store().url())
                    : Database.openSqlite(Path.of(config.store().path()));
            this.database = db;
            this.logWriter = new RequestLogWriter(db, config.store().queueCapacity());
            this.keys = new KeyService(new KeyRepository(db), clock);
            Map<String, Provider> providers = new LinkedHashMap<>();
            for (ProviderConfig p : config.providers().values()) {
                providers.put(p.name(), Providers.create(p, simulators));
            }
            this.router = RouterFactory.create(config, providers, PriceCatalog.withOverrides(Map.of()), clock, watchdog,
                    embedder, Thread::sleep);
            List<Stage> stages = new ArrayList<>();
            stages.add(new AuthStage(keys, config.auth().enabled()));
            stages.add(router);
            Pipeline pipeline = new Pipeline(stages);
            long maxBody = config.server().maxBodyBytes();
            ApiEndpoints api = new ApiEndpoints(pipeline, new RequestLogger(logWriter), keys, config.auth().enabled(),
                    config.modelNames(), maxBody);
            AdminEndpoints admin = new AdminEndpoints(keys, new RequestLogReader(db), adminKey, maxBody, clock);
            this.server = new GatewayServer(config.server().host(), config.server().port(), api, admin, db::healthy);
        } catch (RuntimeException e) {
            watchdog.close();
            simulators.close();
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
        logWriter.close();
        LOG.info("request log flushed: {} written, {} dropped", logWriter.written(), logWriter.dropped());
        simulators.close();
        watchdog.close();
        database.close();
    }

    /** The router, for tests that inspect deployments (breaker states, in-flight counts). */
    public Router router() {
        return router;
    }
}
