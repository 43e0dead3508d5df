package dev.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.sluice.api.Json;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.server.Gateway;
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

    /** @param extraYaml appended to the standard test config (e.g. more models, auth: off) */
    public static TestGateway start(SimOptions simOptions, String extraYaml, Clock clock) {
        try {
            return start(simOptions, extraYaml, clock, Files.createTempDirectory("sluice-test"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gateway whose store lives in {@code dir}: start a second one on the same dir to test a restart. */
    public static TestGateway start(SimOptions simOptions, String extraYaml, Clock clock, Path dir) {
        Simulator sim = Simulator.start(simOptions);
        try {
            String yaml = standardConfig(sim.baseUrl(), dir, extraYaml);
            SluiceConfig config = new ConfigLoader(Map.of()).parse(yaml, "test.yaml");
            return new TestGateway(sim, Gateway.start(config, config.auth().adminKey(), clock), dir);
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
    }

    /** The YAML every test gateway starts from; {@code extra} may override whole sections. */
    public static String standardConfig(String simBaseUrl, Path dir, String extra) {
        String auth = extra.contains("auth:") ? "" : """
                auth:
                  enabled: true
                  admin_key: %s
                """.formatted(ADMIN_KEY);
        String models = extra.contains("models:") ? "" : """
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
        String providers = extra.contains("providers:") ? "" : """
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
        String server = extra.contains("server:") ? "" : """
                server:
                  host: 127.0.0.1
                  port: 0
                  max_body_bytes: 1MB
                  drain_timeout: 5s
                """;
        return server + auth + """
                store:
                  path: %s
                """.formatted(dir.resolve("sluice.db")) + providers + models + extra;
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

    /** Creates a key with any admin-API body and returns the whole answer. */
    public JsonNode createKey(JsonNode body) {
        Http.Response r = http.post("/admin/keys", body, Map.of("authorization", "Bearer " + ADMIN_KEY));
        if (r.status() != 201) {
            throw new AssertionError("key creation failed: " + r.status() + " " + r.body());
        }
        return r.json();
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
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (gateway.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!gateway.requestLog().flush(10_000)) {
            throw new AssertionError("the request log did not flush within 10 s");
        }
    }

    /** The newest request-log rows through the admin API. */
    public JsonNode logs(String query) {
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
