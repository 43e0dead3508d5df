package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("sluice logs show: one request with its captured body, over the admin API")
class LogsShowCliTest {
    static final java.util.Map<String, String> OWNER = Http.bearer(TestGateway.ADMIN_KEY);

    static String post(TestGateway gw, String path, String body) {
        Http.Response r = gw.http().post(path, body, OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    @Test
    @DisplayName("prints the log row and the captured request and answer; --json; another team's or an unknown id is refused")
    void show() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "tracing:\n  capture: full\n", Clock.systemUTC())) {
            for (String team : new String[] {"alpha", "beta"}) {
                assertThat(gw.http().post("/admin/teams", "{\"id\":\"" + team + "\"}", OWNER).status()).isEqualTo(201);
            }
            String alphaKey = post(gw, "/admin/keys", "{\"name\":\"a\",\"team\":\"alpha\"}");
            String alphaAdmin = post(gw, "/admin/admin-keys", "{\"name\":\"a\",\"role\":\"team_admin\",\"team\":\"alpha\"}");
            String betaViewer = post(gw, "/admin/admin-keys", "{\"name\":\"b\",\"role\":\"viewer\",\"team\":\"beta\"}");
            Http.Response chat = gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"shown by the cli\"}]}", Http.bearer(alphaKey));
            assertThat(chat.status()).isEqualTo(200);
            String id = chat.header("x-request-id");
            gw.flushLog();
            String url = "http://127.0.0.1:" + gw.gateway().port();

            CliTest.Run show = CliTest.run("logs", "show", id, "--url", url, "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(show.code()).as(show.out()).isZero();
            assertThat(show.out()).contains("request   " + id, "team alpha", "--- request", "shown by the cli",
                    "--- response", "\"finish_reason\" : \"stop\"");

            CliTest.Run json = CliTest.run("logs", "show", id, "--json", "--url", url, "--admin-key", alphaAdmin);
            assertThat(json.code()).as(json.out()).isZero();
            JsonNode both = Json.parse(json.out().strip().getBytes());
            assertThat(both.path("log").path("request_id").asText()).isEqualTo(id);
            assertThat(both.path("body").path("request").path("messages").path(0).path("content").asText())
                    .isEqualTo("shown by the cli");

            CliTest.Run other = CliTest.run("logs", "show", id, "--url", url, "--admin-key", betaViewer);
            assertThat(other.code()).isNotZero();
            assertThat(other.out()).contains("no request '" + id + "'").doesNotContain("shown by the cli");
            CliTest.Run missing = CliTest.run("logs", "show", "nope", "--url", url, "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(missing.code()).isNotZero();

            // the reads through the CLI are in the audit log
            JsonNode audit = gw.http().get("/admin/audit?action=body.read&limit=20", OWNER).json().path("data");
            assertThat(audit.findValuesAsText("target")).contains("/admin/logs/" + id + "/body");
        }
    }
}
