package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The dashboard's server side over plain HTTP: login sessions, CSRF, headers, files, and the admin API's rules through it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Dashboard sessions and protections")
class DashboardSessionTest {
    private DemoGateway demo;

    @BeforeAll
    void start() throws Exception {
        demo = DemoGateway.start(0);
    }

    @AfterAll
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    /** A logged-in browser: its cookie and CSRF token. */
    record Login(String cookie, String csrf, Http.Response response) {
        Map<String, String> headers(boolean withCsrf) {
            Map<String, String> h = new HashMap<>();
            h.put("Cookie", cookie);
            h.put("Content-Type", "application/json");
            if (withCsrf) {
                h.put("X-CSRF-Token", csrf);
            }
            return h;
        }
    }

    private Login login(String key, Map<String, String> extra) {
        Map<String, String> headers = new HashMap<>(extra);
        headers.put("Content-Type", "application/json");
        Http.Response r = demo.http.post("/ui/login", Json.object().put("key", key), headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String setCookie = r.header("set-cookie");
        return new Login(setCookie.substring(0, setCookie.indexOf(';')), r.json().path("csrf_token").asText(), r);
    }

    private Login login(String key) {
        return login(key, Map.of());
    }

    @Test
    @DisplayName("a login sets an HttpOnly, SameSite=Strict session cookie for /ui only, Secure behind TLS, and never returns the key")
    void cookie() {
        Login plain = login(DemoGateway.ADMIN_KEY);
        assertThat(plain.response().header("set-cookie")).contains("HttpOnly", "SameSite=Strict", "Path=/ui")
                .doesNotContain("Secure");
        assertThat(plain.response().body()).doesNotContain(DemoGateway.ADMIN_KEY).contains("\"role\":\"owner\"");
        Login tls = login(DemoGateway.ADMIN_KEY, Map.of("X-Forwarded-Proto", "https"));
        assertThat(tls.response().header("set-cookie")).contains("; Secure");
    }

    @Test
    @DisplayName("a wrong key, a form post or another site's page cannot log in")
    void badLogins() {
        Http.Response wrong = demo.http.post("/ui/login", Json.object().put("key", "sk-wrong-0123456789abcdef"),
                Map.of("Content-Type", "application/json"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("set-cookie")).isNull();
        Http.Response form = demo.http.post("/ui/login", "key=" + DemoGateway.ADMIN_KEY,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(form.status()).isEqualTo(415);
        Http.Response crossSite = demo.http.post("/ui/login", Json.object().put("key", DemoGateway.ADMIN_KEY),
                Map.of("Content-Type", "application/json", "Origin", "https://evil.example"));
        assertThat(crossSite.status()).isEqualTo(403);
    }

    @Test
    @DisplayName("a change needs the session's CSRF token and the gateway's own origin; with both it reaches the admin API, audited")
    void csrf() {
        Login s = login(DemoGateway.ADMIN_KEY);
        JsonNode body = Json.object().put("name", "from-ui");
        Http.Response noToken = demo.http.post("/ui/api/keys", body, s.headers(false));
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.json().path("error").path("code").asText()).isEqualTo("csrf_token_invalid");
        Map<String, String> wrongToken = s.headers(false);
        wrongToken.put("X-CSRF-Token", "not-the-token");
        assertThat(demo.http.post("/ui/api/keys", body, wrongToken).status()).isEqualTo(403);
        Map<String, String> otherOrigin = s.headers(true);
        otherOrigin.put("Origin", "http://evil.example");
        assertThat(demo.http.post("/ui/api/keys", body, otherOrigin).status()).isEqualTo(403);
        assertThat(demo.http.delete("/ui/api/cache", s.headers(false)).status()).isEqualTo(403);

        Http.Response created = demo.http.post("/ui/api/keys", body, s.headers(true));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("key").asText()).startsWith("sk-");
        JsonNode audit = demo.http.get("/admin/audit?action=key.create", Http.bearer(DemoGateway.ADMIN_KEY)).json();
        assertThat(audit.path("data").findValuesAsText("target")).contains(created.json().path("id").asText());
        JsonNode logins = demo.http.get("/admin/audit?action=ui.login", Http.bearer(DemoGateway.ADMIN_KEY)).json();
        assertThat(logins.path("data")).isNotEmpty();
    }

    @Test
    @DisplayName("without a session /ui/api answers 401 and /ui/session says logged_in false; logout ends the session")
    void sessions() {
        assertThat(demo.http.get("/ui/api/keys", Map.of()).status()).isEqualTo(401);
        assertThat(demo.http.get("/ui/api/keys", Map.of("Cookie", "sluice_ui=forged")).status()).isEqualTo(401);
        assertThat(demo.http.get("/ui/api/keys", Http.bearer(DemoGateway.ADMIN_KEY)).status())
                .as("the admin key as a bearer is not a dashboard session").isEqualTo(401);
        assertThat(demo.http.get("/ui/session", Map.of()).json().path("logged_in").asBoolean()).isFalse();
        Login s = login(DemoGateway.ADMIN_KEY);
        assertThat(demo.http.get("/ui/api/keys", s.headers(false)).status()).isEqualTo(200);
        assertThat(demo.http.post("/ui/logout", Json.object(), s.headers(false)).status()).isEqualTo(403);
        assertThat(demo.http.post("/ui/logout", Json.object(), s.headers(true)).status()).isEqualTo(200);
        assertThat(demo.http.get("/ui/api/keys", s.headers(false)).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("revoking the admin key a session logged in with ends the session at once")
    void revokedKey() {
        String viewer = demo.adminKey("viewer", null);
        Login s = login(viewer);
        assertThat(demo.http.get("/ui/api/keys", s.headers(false)).status()).isEqualTo(200);
        JsonNode keys = demo.http.get("/admin/admin-keys", Http.bearer(DemoGateway.ADMIN_KEY)).json();
        String id = keys.path("data").get(keys.path("data").size() - 1).path("id").asText();
        assertThat(demo.http.delete("/admin/admin-keys/" + id, Http.bearer(DemoGateway.ADMIN_KEY)).status()).isEqualTo(200);
        assertThat(demo.http.get("/ui/api/keys", s.headers(false)).status()).isEqualTo(401);
        assertThat(demo.http.get("/ui/session", s.headers(false)).json().path("logged_in").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("roles come from the admin API: a viewer cannot change anything, a team admin reads only its team")
    void roles() {
        Login viewer = login(demo.adminKey("viewer", null));
        Http.Response refused = demo.http.post("/ui/api/keys", Json.object().put("name", "nope"), viewer.headers(true));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").path("message").asText()).contains("viewer");
        demo.http.post("/admin/teams", Json.object().put("id", "search").put("name", "Search"), Http.bearer(DemoGateway.ADMIN_KEY));
        Login teamAdmin = login(demo.adminKey("team_admin", "search"));
        assertThat(demo.http.get("/ui/api/analytics/requests?team=other", teamAdmin.headers(false)).status()).isEqualTo(403);
        assertThat(demo.http.get("/ui/api/analytics/requests", teamAdmin.headers(false)).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("every dashboard response has a strict Content-Security-Policy; only the dashboard's own files are served")
    void headersAndFiles() {
        for (String path : new String[] {"/ui", "/ui/assets/app.js", "/ui/session", "/ui/api/keys"}) {
            Http.Response r = demo.http.get(path, Map.of());
            assertThat(r.header("content-security-policy")).as(path).contains("script-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(r.header("x-content-type-options")).as(path).isEqualTo("nosniff");
        }
        Http.Response js = demo.http.get("/ui/assets/pages/index.js", Map.of());
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("content-type")).startsWith("text/javascript");
        assertThat(demo.http.get("/ui/assets/pages/missing.js", Map.of()).status()).isEqualTo(404);
        assertThat(demo.http.get("/ui/assets/DashboardEndpoints.class", Map.of()).status()).isEqualTo(404);
        Http.Response traversal = demo.http.get("/ui/assets/..%2F..%2Fconfig%2Fdemo.yaml", Map.of());
        assertThat(traversal.status()).isIn(400, 404, 405);
        assertThat(traversal.body()).doesNotContain("providers");
    }

    @Test
    @DisplayName("with the dashboard off, /ui is not served")
    void disabled() throws Exception {
        try (DemoGateway off = DemoGateway.start(0, "dashboard:\n  enabled: false\n")) {
            assertThat(off.http.get("/ui", Map.of()).status()).isEqualTo(404);
            assertThat(off.http.post("/ui/login", Json.object().put("key", DemoGateway.ADMIN_KEY),
                    Map.of("Content-Type", "application/json")).status()).isEqualTo(404);
        }
    }
}
