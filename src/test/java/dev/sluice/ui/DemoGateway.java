package dev.sluice.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.app.Gateway;
import dev.sluice.app.Registries;
import dev.sluice.cli.DemoTraffic;
import dev.sluice.config.SluiceConfig;
import dev.sluice.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The demo, as {@code ./sluice demo} runs it (its config and its sample traffic), on a random port and a file of its own. */
final class DemoGateway implements AutoCloseable {
    static final String ADMIN_KEY = "ui-test-admin-key-0123456789abcdef";

    final Gateway gateway;
    final Http http;
    final String base;
    final String apiKey;
    final String ragTraceId;

    private DemoGateway(Gateway gateway, String apiKey, String ragTraceId) {
        this.gateway = gateway;
        this.base = "http://127.0.0.1:" + gateway.port();
        this.http = new Http(base);
        this.apiKey = apiKey;
        this.ragTraceId = ragTraceId;
    }

    /** Starts it with the demo's traffic ({@code rounds} rounds) already sent and stored. */
    static DemoGateway start(int rounds) throws Exception {
        return start(rounds, "");
    }

    /** @param replaceDashboard the demo config's {@code dashboard:} section is replaced by this YAML (when not empty) */
    static DemoGateway start(int rounds, String replaceDashboard) throws Exception {
        Path dir = Files.createTempDirectory("sluice-ui");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("SLUICE_PORT", "0");
        env.put("SLUICE_DB", dev.sluice.testing.SqliteTemplate.copyTo(dir.resolve("demo.db")).toString());
        SluiceConfig config = Registries.configLoader(env).loadDemo();
        if (!replaceDashboard.isEmpty()) {
            config = Registries.configLoader(env).parse(demoYaml().replace("dashboard:\n  enabled: true\n", replaceDashboard),
                    "demo config for a test");
        }
        Gateway gateway = Gateway.start(config, ADMIN_KEY, Clock.systemUTC());
        try {
            Http http = new Http("http://127.0.0.1:" + gateway.port());
            JsonNode key = http.post("/admin/keys", Json.object().put("name", "demo"), Http.bearer(ADMIN_KEY)).json();
            String secret = key.path("key").asText();
            String traceId = null;
            if (rounds > 0) {
                DemoTraffic traffic = new DemoTraffic("http://127.0.0.1:" + gateway.port() + "/v1", secret);
                traffic.run(rounds);
                traceId = traffic.ragTrace();
            }
            gateway.awaitFlushed(Duration.ofSeconds(10));
            return new DemoGateway(gateway, secret, traceId);
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    private static String demoYaml() throws Exception {
        try (var in = DemoGateway.class.getResourceAsStream(dev.sluice.config.ConfigLoader.DEMO_RESOURCE)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** An admin key of another role, made through the admin API. */
    String adminKey(String role, String team) {
        var body = Json.object().put("name", role + "-key").put("role", role);
        if (team != null) {
            body.put("team", team);
        }
        return http.post("/admin/admin-keys", body, Http.bearer(ADMIN_KEY)).json().path("key").asText();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
