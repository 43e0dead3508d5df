package dev.sluice.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Virtual keys and the admin API")
class KeysAdminTest {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    static TestGateway gw;
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), "", CLOCK);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static int chatStatus(String secret, String model) {
        ObjectNode body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return gw.http().post("/v1/chat/completions", body, Map.of("authorization", "Bearer " + secret)).status();
    }

    @Test
    @DisplayName("a created key is shown once, works at once, and is stored only as a hash")
    void createShowOnceHashOnly() throws Exception {
        assertThat(gw.http().post("/admin/teams", "{\"id\":\"search\"}", ADMIN).status()).isEqualTo(201);
        JsonNode created = gw.createKey(Json.object().put("name", "alpha").put("team", "search"));
        String secret = created.path("key").asText();
        assertThat(secret).startsWith("sk-sluice-").hasSize("sk-sluice-".length() + 32);
        assertThat(created.path("id").asText()).startsWith("key_");
        assertThat(chatStatus(secret, "gpt-4o-mini")).isEqualTo(200);

        JsonNode listed = gw.http().get("/admin/keys", ADMIN).json().path("data");
        JsonNode mine = null;
        for (JsonNode k : listed) {
            if (k.path("id").asText().equals(created.path("id").asText())) {
                mine = k;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.has("key")).isFalse();
        assertThat(mine.path("hint").asText()).isEqualTo("..." + secret.substring(secret.length() - 4));
        assertThat(mine.path("team").asText()).isEqualTo("search");
        assertThat(gw.http().get("/admin/keys/" + created.path("id").asText(), ADMIN).json().has("key")).isFalse();

        // the secret appears nowhere in the database file
        gw.flushLog();
        byte[] db = Files.readAllBytes(gw.dir().resolve("sluice.db"));
        assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir().resolve("sluice.db"));
             var rs = c.createStatement().executeQuery("SELECT secret_hash FROM api_keys WHERE id = '"
                     + created.path("id").asText() + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(Secrets.sha256(secret));
        }
    }

    @Test
    @DisplayName("a revoked key gets 401 revoked_api_key on its very next request")
    void revoke() {
        JsonNode created = gw.createKey(Json.object().put("name", "to-revoke"));
        String secret = created.path("key").asText();
        assertThat(chatStatus(secret, "gpt-4o-mini")).isEqualTo(200);
        Http.Response r = gw.http().delete("/admin/keys/" + created.path("id").asText(), ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("revoked").asBoolean()).isTrue();
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        Http.Response refused = gw.http().post("/v1/chat/completions", body, Map.of("authorization", "Bearer " + secret));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("revoked_api_key");
        assertThat(gw.http().delete("/admin/keys/key_doesnotexist", ADMIN).status()).isEqualTo(404);
    }

    @Test
    @DisplayName("a key expires at its time (the clock is moved, not waited for)")
    void expiry() {
        String secret = gw.createKey(Json.object().put("name", "short-lived").put("expires_in", "1h")).path("key").asText();
        assertThat(chatStatus(secret, "gpt-4o-mini")).isEqualTo(200);
        CLOCK.advance(Duration.ofMinutes(61));
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        Http.Response r = gw.http().post("/v1/chat/completions", body, Map.of("authorization", "Bearer " + secret));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("expired_api_key");
    }

    @Test
    @DisplayName("a key limited to some models gets 403 on others and sees only its models in /v1/models")
    void allowedModels() {
        ObjectNode spec = Json.object().put("name", "mini-only");
        spec.putArray("models").add("gpt-4o-mini");
        String secret = gw.createKey(spec).path("key").asText();
        assertThat(chatStatus(secret, "gpt-4o-mini")).isEqualTo(200);
        assertThat(chatStatus(secret, "gpt-4o")).isEqualTo(403);
        JsonNode models = gw.http().get("/v1/models", Map.of("authorization", "Bearer " + secret)).json().path("data");
        assertThat(models).hasSize(1);
        assertThat(models.get(0).path("id").asText()).isEqualTo("gpt-4o-mini");
        // one model asked by name: hidden like in the list, so 404 as for a model that does not exist
        assertThat(gw.http().get("/v1/models/gpt-4o", Map.of("authorization", "Bearer " + secret)).status()).isEqualTo(404);
        assertThat(gw.http().get("/v1/models/gpt-4o-mini", Map.of("authorization", "Bearer " + secret)).status())
                .isEqualTo(200);
    }

    @Test
    @DisplayName("the admin API needs the admin key, and validates what it is given")
    void adminAuthAndValidation() {
        assertThat(gw.http().get("/admin/keys", Map.of()).status()).isEqualTo(401);
        assertThat(gw.http().get("/admin/keys", Map.of("authorization", "Bearer wrong-admin-key-000000")).status()).isEqualTo(401);
        String virtualKey = gw.createKey("not-an-admin");
        assertThat(gw.http().get("/admin/keys", Map.of("authorization", "Bearer " + virtualKey)).status()).isEqualTo(401);

        assertThat(gw.http().post("/admin/keys", "{}", ADMIN).json().path("error").path("param").asText()).isEqualTo("name");
        assertThat(gw.http().post("/admin/keys", "{\"name\":\"x\",\"expires_in\":\"soon\"}", ADMIN).status()).isEqualTo(400);
        assertThat(gw.http().post("/admin/keys", "{\"name\":\"x\",\"models\":\"all\"}", ADMIN).status()).isEqualTo(400);
        assertThat(gw.http().post("/admin/keys", "{\"name\":\"x\",\"expires_at\":\"2000-01-01T00:00:00Z\"}", ADMIN).status())
                .isEqualTo(400);
        assertThat(gw.http().post("/admin/keys", "not json", ADMIN).status()).isEqualTo(400);
    }
}
