package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Captured bodies were keyed by the client's {@code x-request-id}: the first team to use an id owned
 * it, and another team's request with the same id lost its body (insert ignored), so team A could
 * shadow team B's bodies by guessing or replaying B's ids, and a dataset grown from A's log could pick
 * up B's body. Bodies are now keyed by the gateway's own id (the request log's uid); the client's id
 * is a separate column, and every read matches the team (and the request's start) too.
 */
@DisplayName("Captured bodies are keyed by the gateway's id: a client-chosen x-request-id cannot shadow or read another team's")
class BodyIdsPerTeamTest {
    static final Map<String, String> OWNER = Http.bearer(TestGateway.ADMIN_KEY);

    static void chat(TestGateway gw, String secret, String requestId, String text) {
        chat(gw, secret, requestId, text, null);
    }

    static void chat(TestGateway gw, String secret, String requestId, String text, String user) {
        Map<String, String> headers = new HashMap<>(Http.bearer(secret));
        headers.put("x-request-id", requestId);
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("max_tokens", 4);
        if (user != null) {
            body.put("user", user);
        }
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        Http.Response r = gw.http().post("/v1/chat/completions", body, headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-request-id")).isEqualTo(requestId);
    }

    /** A gateway that captures whole bodies. */
    static TestGateway capturing() {
        return TestGateway.start(SimOptions.defaults(), """
                tracing:
                  capture: full
                """, Clock.systemUTC());
    }

    static String adminKey(TestGateway gw, String team) {
        Http.Response r = gw.http().post("/admin/admin-keys", "{\"name\":\"" + team + "-admin\",\"role\":\"team_admin\",\"team\":\""
                + team + "\"}", OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    static String key(TestGateway gw, String team) {
        return gw.createKey((ObjectNode) Json.parse(("{\"name\":\"" + team + "-app\",\"team\":\"" + team + "\"}").getBytes()))
                .path("key").asText();
    }

    @Test
    @DisplayName("team A takes an id first, team B uses it too: each team's admin reads its own body, and a dataset"
            + " grown from B's log holds B's prompt, never A's")
    void bodiesPerTeam() {
        try (TestGateway gw = capturing()) {
            String alpha = key(gw, "alpha");
            String beta = key(gw, "beta");
            String alphaAdmin = adminKey(gw, "alpha");
            String betaAdmin = adminKey(gw, "beta");
            chat(gw, alpha, "shared-1", "alpha asks about apricots");
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
            chat(gw, beta, "shared-1", "beta asks about bananas");
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();

            Http.Response b = gw.http().get("/admin/logs/shared-1/body", Http.bearer(betaAdmin));
            assertThat(b.status()).as(b.body()).isEqualTo(200);
            assertThat(b.body()).contains("bananas").doesNotContain("apricots");
            Http.Response a = gw.http().get("/admin/logs/shared-1/body", Http.bearer(alphaAdmin));
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.body()).contains("apricots").doesNotContain("bananas");

            // B grows a dataset from its own log: the body is B's own
            Http.Response made = gw.http().post("/admin/datasets", "{\"name\":\"beta-set\",\"team\":\"beta\"}",
                    Http.bearer(betaAdmin));
            assertThat(made.status()).as(made.body()).isIn(200, 201);
            Http.Response grown = gw.http().post("/admin/datasets/beta-set/from-logs?team=beta", "{}", Http.bearer(betaAdmin));
            assertThat(grown.status()).as(grown.body()).isEqualTo(200);
            assertThat(grown.json().path("added").asInt()).isEqualTo(1);
            Http.Response items = gw.http().get("/admin/datasets/beta-set", Http.bearer(betaAdmin));
            assertThat(items.status()).as(items.body()).isEqualTo(200);
            assertThat(items.body()).contains("bananas").doesNotContain("apricots");
        }
    }

    @Test
    @DisplayName("an organisation-wide reader asking for an id two teams used gets a 409 naming them, and reads either"
            + " body with ?team=; a team admin cannot use ?team= to read another team's")
    void ambiguousIdsAskForTheTeam() {
        try (TestGateway gw = capturing()) {
            String alpha = key(gw, "alpha");
            String beta = key(gw, "beta");
            String betaAdmin = adminKey(gw, "beta");
            chat(gw, alpha, "shared-2", "alpha asks about apricots");
            chat(gw, beta, "shared-2", "beta asks about bananas");
            chat(gw, beta, "only-beta", "beta asks about cherries");
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();

            Http.Response ambiguous = gw.http().get("/admin/logs/shared-2/body", OWNER);
            assertThat(ambiguous.status()).as(ambiguous.body()).isEqualTo(409);
            assertThat(ambiguous.json().path("error").path("code").asText()).isEqualTo("ambiguous_request_id");
            assertThat(ambiguous.json().path("error").path("message").asText()).contains("alpha", "beta", "?team=");
            assertThat(ambiguous.body()).doesNotContain("apricots", "bananas");

            Http.Response b = gw.http().get("/admin/logs/shared-2/body?team=beta", OWNER);
            assertThat(b.status()).as(b.body()).isEqualTo(200);
            assertThat(b.body()).contains("bananas").doesNotContain("apricots");
            Http.Response a = gw.http().get("/admin/logs/shared-2/body?team=alpha", OWNER);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.body()).contains("apricots").doesNotContain("bananas");
            Http.Response unique = gw.http().get("/admin/logs/only-beta/body", OWNER);
            assertThat(unique.status()).as(unique.body()).isEqualTo(200);
            assertThat(unique.body()).contains("cherries");

            Http.Response other = gw.http().get("/admin/logs/shared-2/body?team=alpha", Http.bearer(betaAdmin));
            assertThat(other.status()).as(other.body()).isEqualTo(403);
            assertThat(other.body()).doesNotContain("apricots");
        }
    }

    @Test
    @DisplayName("a dataset item keeps the end user of its own team's request, so erasing that user erases the item")
    void datasetItemsKeepTheirTeamsEndUser() {
        try (TestGateway gw = capturing()) {
            String alpha = key(gw, "alpha");
            String beta = key(gw, "beta");
            String betaAdmin = adminKey(gw, "beta");
            // alpha's user sorts after beta's: a lookup by id alone (MAX over both teams) picks alpha's
            chat(gw, alpha, "shared-3", "alpha asks about apricots", "zed");
            chat(gw, beta, "shared-3", "beta asks about bananas", "amy");
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
            Http.Response made = gw.http().post("/admin/datasets", "{\"name\":\"beta-users\",\"team\":\"beta\"}",
                    Http.bearer(betaAdmin));
            assertThat(made.status()).as(made.body()).isIn(200, 201);
            Http.Response added = gw.http().post("/admin/datasets/beta-users/items", "{\"items\": [{\"vars\": {\"input\":"
                    + " \"bananas\"}, \"source_request_id\": \"shared-3\"}]}", Http.bearer(betaAdmin));
            assertThat(added.status()).as(added.body()).isEqualTo(200);
            assertThat(added.json().path("added").asInt()).isEqualTo(1);

            Http.Response erased = gw.http().delete("/admin/users/amy", OWNER);
            assertThat(erased.status()).as(erased.body()).isIn(200, 204);
            Http.Response items = gw.http().get("/admin/datasets/beta-users", Http.bearer(betaAdmin));
            assertThat(items.status()).as(items.body()).isEqualTo(200);
            assertThat(items.body()).doesNotContain("bananas");
        }
    }
}
