package dev.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.sluice.api.Json;
import dev.sluice.app.Registries;
import dev.sluice.config.SluiceConfig;
import dev.sluice.app.Gateway;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real gateway on a random port in front of a real simulator, with its own SQLite file, for
 * black-box tests over HTTP (Javalin's test style). Close it after the test.
 *
 * <pre>{@code
 * try (TestGateway gw = TestGateway.start()) {
 *     OpenAIClient client = gw.openAi(gw.createKey("t"));
 *     ...
 * }
 * }</pre>
 */
public final class TestGateway implements AutoCloseable {
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
    /** For tests of error mapping: one attempt per request, no breakers tripping across tests. */
    public static final String NO_RESILIENCE = """
            routing:
              retries: 0
              circuit_breaker:
                enabled: false
            """;

    private final Simulator sim;
    private final Gateway gateway;
    private final Path dir;
    private final Http http;

    private TestGateway(Simulator sim, Gateway gateway, Path dir) {
        this.sim = sim;
        this.gateway = gateway;
        this.dir = dir;
        this.http = new Http("http://127.0.0.1:" + gateway.port());
    }

    public static TestGateway start() {
        return start(SimOptions.defaults(), "", Clock.systemUTC());
    }

    /** A gateway whose routing makes exactly one attempt, so upstream errors reach the client as they are. */
    public static TestGateway startWithoutResilience() {
        return start(SimOptions.defaults(), NO_RESILIENCE, Clock.systemUTC());
    }

    /**
     * @param extraYaml appended to the standard test config (e.g. more models, auth: off); it may
     *                  name the simulator's base URL as {@code ${SIM}} or {@code ${env:SIM_URL}}
     *                  (e.g. in its own {@code providers:} section)
     */
    public static TestGateway start(SimOptions simOptions, String extraYaml, Clock clock) {
        try {
            return start(simOptions, extraYaml, clock, Files.createTempDirectory("sluice-test"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A gateway whose store lives in {@code dir}: start a second one on the same dir to test a restart.
     * Unless {@code extraYaml} has its own {@code store:}, the store starts as a copy of one this build
     * migrated ({@link SqliteTemplate}) rather than an empty file.
     */
    public static TestGateway start(SimOptions simOptions, String extraYaml, Clock clock, Path dir) {
        if (!hasSection(extraYaml, "store")) {
            SqliteTemplate.copyTo(dir.resolve("sluice.db"));
        }
        Simulator sim = Simulator.start(simOptions);
        try {
            String yaml = standardConfig(sim.baseUrl(), dir, extraYaml.replace("${SIM}", sim.baseUrl()));
            SluiceConfig config = Registries.configLoader(Map.of("SIM_URL", sim.baseUrl())).parse(yaml, "test.yaml");
            return new TestGateway(sim, Gateway.start(config, config.auth().adminKey(), clock), dir);
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
    }

    /** The YAML every test gateway starts from; {@code extra} may override whole sections. */
    public static String standardConfig(String simBaseUrl, Path dir, String extra) {
        String auth = hasSection(extra, "auth") ? "" : """
                auth:
                  enabled: true
                  admin_key: %s
                """.formatted(ADMIN_KEY);
        String models = hasSection(extra, "models") ? "" : """
                models:
                  gpt-4o-mini:
                    provider: sim
                  gpt-4o:
                    provider: sim
                  claude-3-5-haiku:
                    provider: sim-anthropic
                    model: claude-3-5-haiku-latest
                  text-embedding-3-small:
                    provider: sim
                """;
        String providers = hasSection(extra, "providers") ? "" : """
                providers:
                  sim:
                    type: openai
                    base_url: %1$s/v1
                    api_key: sk-upstream-test
                    timeout: 5s
                    forward_headers: ["x-sim-*"]
                  sim-anthropic:
                    type: anthropic
                    base_url: %1$s
                    api_key: sk-ant-upstream-test
                    timeout: 5s
                    forward_headers: ["x-sim-*"]
                """.formatted(simBaseUrl);
        String server = hasSection(extra, "server") ? "" : """
                server:
                  host: 127.0.0.1
                  port: 0
                  max_body_bytes: 1MB
                  drain_timeout: 5s
                """;
        String store = hasSection(extra, "store") ? "" : """
                store:
                  path: %s
                  spill_dir: %s
                """.formatted(dir.resolve("sluice.db"), dir.resolve("spill"));
        return server + auth + store + providers + models + extra;
    }

    /** Whether the YAML has this top-level section (not just a key of that name further in). */
    private static boolean hasSection(String yaml, String section) {
        return java.util.regex.Pattern.compile("(?m)^" + section + ":").matcher(yaml).find();
    }

    public Simulator sim() {
        return sim;
    }

    public Gateway gateway() {
        return gateway;
    }

    public Http http() {
        return http;
    }

    public Path dir() {
        return dir;
    }

    /** The OpenAI-compatible base URL, e.g. {@code http://127.0.0.1:1234/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + gateway.port() + "/v1";
    }

    /** Creates a virtual key through the admin API and returns its secret. */
    public String createKey(String name) {
        return createKey(Json.object().put("name", name)).path("key").asText();
    }

    /** Creates a key with any admin-API body and returns the whole answer; a named team is created first if new. */
    public JsonNode createKey(JsonNode body) {
        if (body.hasNonNull("team")) {
            createTeam(body.path("team").asText());
        }
        Http.Response r = http.post("/admin/keys", body, Map.of("authorization", "Bearer " + ADMIN_KEY));
        if (r.status() != 201) {
            throw new AssertionError("key creation failed: " + r.status() + " " + r.body());
        }
        return r.json();
    }

    /** Creates a team through the admin API unless it exists. */
    public void createTeam(String id) {
        Http.Response r = http.post("/admin/teams", Json.object().put("id", id), Map.of("authorization", "Bearer " + ADMIN_KEY));
        if (r.status() != 201 && r.status() != 409) {
            throw new AssertionError("team creation failed: " + r.status() + " " + r.body());
        }
    }

    /** The official OpenAI client pointed at the gateway, without client-side retries. */
    public OpenAIClient openAi(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .apiKey(apiKey)
                .baseUrl(baseUrl())
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    /**
     * Waits until every completed request is in the request log. A client may hold the whole response
     * before the server has run the request's completion listeners (which queue the log record), so
     * first wait for the server to finish handling every request.
     */
    public void flushLog() {
        if (!gateway.awaitFlushed(Duration.ofSeconds(10))) {
            throw new AssertionError("the request log did not flush within 10 s");
        }
    }

    /**
     * The newest request-log rows through the admin API. A row is written just after its response,
     * so a query for a request id waits (up to 5 s) until the row is there.
     */
    public JsonNode logs(String query) {
        return awaitLogs(query, query.contains("request_id=") ? 1 : 0);
    }

    /** Request-log rows for a query, waiting up to 5 s until there are at least {@code atLeast}. */
    public JsonNode awaitLogs(String query, int atLeast) {
        JsonNode rows = fetchLogs(query);
        if (rows.size() >= atLeast) {
            return rows;
        }
        try {
            return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fetchLogs(query), r -> r.size() >= atLeast);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return fetchLogs(query); // the caller's assertion says what is missing
        }
    }

    private JsonNode fetchLogs(String query) {
        flushLog();
        Http.Response r = http.get("/admin/logs" + (query.isEmpty() ? "" : "?" + query),
                Map.of("authorization", "Bearer " + ADMIN_KEY));
        if (r.status() != 200) {
            throw new AssertionError("log query failed: " + r.status() + " " + r.body());
        }
        return r.json().path("data");
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            sim.close();
        }
    }
}
