package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Captured bodies read back: GET /admin/logs/{id}/body and sluice logs show, team-scoped, every read audited")
class BodyReadTest {
    static final Map<String, String> OWNER = Http.bearer(TestGateway.ADMIN_KEY);
    static TestGateway gw;
    static String alphaKey;
    static String betaKey;
    static String alphaAdmin;
    static String betaViewer;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), """
                tracing:
                  capture: full
                """, Clock.systemUTC());
        for (String team : new String[] {"alpha", "beta"}) {
            assertThat(gw.http().post("/admin/teams", "{\"id\":\"" + team + "\"}", OWNER).status()).isEqualTo(201);
        }
        alphaKey = virtualKey("alpha");
        betaKey = virtualKey("beta");
        alphaAdmin = adminKey("team_admin", "alpha");
        betaViewer = adminKey("viewer", "beta");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static String virtualKey(String team) {
        Http.Response r = gw.http().post("/admin/keys", "{\"name\":\"" + team + "-app\",\"team\":\"" + team + "\"}", OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    static String adminKey(String role, String team) {
        Http.Response r = gw.http().post("/admin/admin-keys", "{\"name\":\"" + role + "-" + team + "\",\"role\":\"" + role
                + "\",\"team\":\"" + team + "\"}", OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    static Http.Response chat(String key, String text, Map<String, String> extraHeaders) {
        Map<String, String> headers = new java.util.HashMap<>(Http.bearer(key));
        headers.putAll(extraHeaders);
        Http.Response r = gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"user\":\"u-" + text
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}", headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    static Http.Response body(String id, String adminKey) {
        return gw.http().get("/admin/logs/" + id + "/body", Http.bearer(adminKey));
    }

    @Test
    @DisplayName("an owner reads any body; a team admin or viewer reads its team's and gets 404 for another team's")
    void teamScoped() {
        String a = chat(alphaKey, "alpha question", Map.of()).header("x-request-id");
        String b = chat(betaKey, "beta question", Map.of()).header("x-request-id");
        gw.flushLog();

        Http.Response owner = body(a, TestGateway.ADMIN_KEY);
        assertThat(owner.status()).as(owner.body()).isEqualTo(200);
        JsonNode json = owner.json();
        assertThat(json.path("object").asText()).isEqualTo("request.body");
        assertThat(json.path("team").asText()).isEqualTo("alpha");
        assertThat(json.path("user").asText()).isEqualTo("u-alpha question");
        assertThat(json.path("request").path("messages").path(0).path("content").asText()).isEqualTo("alpha question");
        assertThat(json.path("response").path("choices").path(0).path("message").path("content").asText()).isNotBlank();
        assertThat(body(b, TestGateway.ADMIN_KEY).status()).isEqualTo(200);

        assertThat(body(a, alphaAdmin).status()).isEqualTo(200);
        Http.Response cross = body(b, alphaAdmin);
        assertThat(cross.status()).isEqualTo(404);
        assertThat(cross.body()).doesNotContain("beta question");
        assertThat(body(b, betaViewer).json().path("request").path("messages").path(0).path("content").asText())
                .isEqualTo("beta question");
        assertThat(body(a, betaViewer).status()).isEqualTo(404);
        assertThat(body("no-such-request", TestGateway.ADMIN_KEY).json().path("error").path("code").asText())
                .isEqualTo("not_found");
        assertThat(gw.http().get("/admin/logs/" + a + "/body", Map.of()).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("a request id chosen by another team never opens the first team's body")
    void sharedRequestId() {
        String id = "shared-" + System.nanoTime();
        String a = chat(alphaKey, "alpha private", Map.of("x-request-id", id)).header("x-request-id");
        String b = chat(betaKey, "beta private", Map.of("x-request-id", id)).header("x-request-id");
        gw.flushLog();
        assertThat(body(a, alphaAdmin).json().path("request").toString()).contains("alpha private");
        Http.Response asBeta = body(b, betaViewer);
        if (asBeta.status() == 200) { // only when beta's request got a body of its own
            assertThat(asBeta.json().path("team").asText()).isEqualTo("beta");
            assertThat(asBeta.body()).doesNotContain("alpha private");
        } else {
            assertThat(asBeta.status()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("every read of logs, traces, sessions, stats and bodies is in the audit log, refused ones too, with the reader's team")
    void readsAreAudited() {
        Http.Response r = chat(alphaKey, "audited", Map.of("x-sluice-session", "sess-audit"));
        String id = r.header("x-request-id");
        gw.flushLog();
        String trace = gw.logs("request_id=" + id).get(0).path("trace_id").asText();
        String betaId = chat(betaKey, "other team", Map.of()).header("x-request-id");
        gw.flushLog();

        Map<String, String> alpha = Http.bearer(alphaAdmin);
        List<String[]> reads = List.of(
                new String[] {"/admin/logs?request_id=" + id, "logs.read"},
                new String[] {"/admin/logs/" + id + "/body", "body.read"},
                new String[] {"/admin/logs/" + betaId + "/body", "body.read"},
                new String[] {"/admin/analytics/requests?limit=5", "logs.search"},
                new String[] {"/admin/analytics/traces?limit=5", "traces.search"},
                new String[] {"/admin/analytics/stats?from=1h", "logs.stats"},
                new String[] {"/admin/traces/" + trace, "trace.read"},
                new String[] {"/admin/sessions/sess-audit", "session.read"});
        List<Integer> statuses = new ArrayList<>();
        for (String[] read : reads) {
            statuses.add(gw.http().get(read[0], alpha).status());
        }
        assertThat(statuses).containsExactly(200, 200, 404, 200, 200, 200, 200, 200);

        JsonNode entries = gw.http().get("/admin/audit?limit=100", OWNER).json().path("data");
        for (String[] read : reads) {
            JsonNode match = null;
            for (JsonNode e : entries) {
                if (match == null && e.path("action").asText().equals(read[1])
                        && read[0].equals(e.path("target").asText())) {
                    match = e; // the newest: the owner may have read the same path before
                }
            }
            assertThat(match).as("audit entry for " + read[0] + " in " + entries).isNotNull();
            assertThat(match.path("team").asText()).isEqualTo("alpha");
            assertThat(match.path("role").asText()).isEqualTo("team_admin");
            assertThat(match.path("actor").asText()).startsWith("adm_");
        }
        // the team admin sees its own reads in its team's audit log; the refused read of beta's body is there too
        JsonNode own = gw.http().get("/admin/audit?action=body.read&limit=100", alpha).json().path("data");
        assertThat(own.findValuesAsText("target")).contains("/admin/logs/" + betaId + "/body");
    }
}
