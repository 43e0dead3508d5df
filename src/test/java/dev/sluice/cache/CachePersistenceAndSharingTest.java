package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Response cache: restarts, Redis sharing and per-model settings")
class CachePersistenceAndSharingTest {

    static ObjectNode request(String question) {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("temperature", 0);
        body.putArray("messages").addObject().put("role", "user").put("content", question);
        return body;
    }

    static Http.Response chat(TestGateway gw, String key, ObjectNode body) {
        Http.Response r = gw.http().post("/v1/chat/completions", body, Map.of("authorization", "Bearer " + key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    @Test
    @DisplayName("cached answers survive a restart, exact and semantic")
    void survivesRestart() throws Exception {
        Path dir = Files.createTempDirectory("sluice-cache-restart");
        String key;
        String answer;
        try (TestGateway first = TestGateway.start(SimOptions.defaults(), "cache: {scope: global}\n", Clock.systemUTC(), dir)) {
            key = first.createKey("restart");
            answer = chat(first, key, request("Restart: how does a canal lock raise a boat?")).json()
                    .path("choices").path(0).path("message").path("content").asText();
        }
        assertThat(dir.resolve("sluice-cache")).isDirectory();
        try (TestGateway second = TestGateway.start(SimOptions.defaults(), "cache: {scope: global}\n", Clock.systemUTC(), dir)) {
            Http.Response exact = chat(second, key, request("Restart: how does a canal lock raise a boat?"));
            assertThat(exact.header("x-sluice-cache")).isEqualTo("hit");
            assertThat(exact.json().path("choices").path(0).path("message").path("content").asText()).isEqualTo(answer);
            Http.Response semantic = chat(second, key, request("Restart: how do canal locks raise boats?"));
            assertThat(semantic.header("x-sluice-cache")).isEqualTo("semantic-hit");
            assertThat(second.sim().recorded()).isEmpty();
        }
    }

    @Test
    @DisplayName("a second gateway sharing the Redis answers from the first one's cache")
    void redisShared() throws Exception {
        assumeRedis();
        String prefix = "sluice-test:" + UUID.randomUUID() + ":";
        String yaml = """
                redis:
                  url: redis://127.0.0.1:6379/0
                cache:
                  scope: team
                  redis_prefix: "%s"
                  semantic: {enabled: false}
                """.formatted(prefix);
        try (TestGateway a = TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC());
             TestGateway b = TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC())) {
            String keyA = a.createKey(Json.object().put("name", "a").put("team", "shared")).path("key").asText();
            String keyB = b.createKey(Json.object().put("name", "b").put("team", "shared")).path("key").asText();
            String otherTeam = b.createKey(Json.object().put("name", "c").put("team", "other")).path("key").asText();
            ObjectNode body = request("Redis: what is a sluice?");
            assertThat(chat(a, keyA, body).header("x-sluice-cache")).isEqualTo("miss");
            assertThat(chat(b, keyB, body).header("x-sluice-cache")).isEqualTo("hit");
            assertThat(chat(b, otherTeam, body).header("x-sluice-cache")).isEqualTo("miss");
            assertThat(b.sim().recorded()).hasSize(1);
            // invalidation on one instance removes the shared entry for both
            Http.Response dropped = a.http().delete("/admin/cache?team=shared",
                    Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY));
            assertThat(dropped.json().path("tiers").path("redis").asLong()).isEqualTo(1);
            ObjectNode fresh = request("Redis: what is a weir?");
            chat(a, keyA, fresh);
            a.http().delete("/admin/cache?all=true", Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY));
            assertThat(chat(b, keyB, fresh).header("x-sluice-cache")).isEqualTo("miss");
        }
    }

    @Test
    @DisplayName("per-model settings turn the cache or its semantic part off for one model")
    void perModel() {
        String yaml = """
                cache:
                  models:
                    gpt-4o: {enabled: false}
                    claude-3-5-haiku: {semantic: false}
                models:
                  gpt-4o-mini: {provider: sim}
                  gpt-4o: {provider: sim}
                  claude-3-5-haiku: {provider: sim-anthropic, model: claude-3-5-haiku-latest}
                """;
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC())) {
            String key = gw.createKey("per-model");
            ObjectNode off = request("Per model: what is a dam?").put("model", "gpt-4o");
            assertThat(chat(gw, key, off).header("x-sluice-cache")).isEqualTo("bypass");
            assertThat(chat(gw, key, off).header("x-sluice-cache")).isEqualTo("bypass");
            ObjectNode exactOnly = request("Per model: how do I learn Python quickly?").put("model", "claude-3-5-haiku");
            chat(gw, key, exactOnly);
            assertThat(chat(gw, key, exactOnly).header("x-sluice-cache")).isEqualTo("hit");
            assertThat(chat(gw, key, request("Per model: what is the fastest way to learn Python?")
                    .put("model", "claude-3-5-haiku")).header("x-sluice-cache")).isEqualTo("miss");
        }
    }

    static void assumeRedis() {
        try (Socket s = new Socket("127.0.0.1", 6379)) {
            s.getOutputStream().flush();
        } catch (Exception e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI needs Redis on 127.0.0.1:6379 for the shared-cache test", e);
            }
            assumeTrue(false, "Redis is not running on 127.0.0.1:6379; skipping the shared-cache test");
        }
    }
}
