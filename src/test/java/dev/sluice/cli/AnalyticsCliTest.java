package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.testing.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("sluice logs tail and sluice stats, over the admin API")
class AnalyticsCliTest {

    static String chat(TestGateway gw, String key, String model, String id) {
        var r = gw.http().post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hello\"}]}", Map.of("authorization", "Bearer " + key, "x-request-id", id));
        assertThat(r.status()).isEqualTo(200);
        return id;
    }

    @Test
    @DisplayName("logs tail prints the newest requests oldest first, filters, follows new ones with -f, and prints JSON lines")
    void logsTail() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("cli");
            for (int i = 0; i < 4; i++) {
                chat(gw, key, i % 2 == 0 ? "gpt-4o-mini" : "gpt-4o", "cli-" + i);
            }
            gw.flushLog();
            String url = "http://127.0.0.1:" + gw.gateway().port();
            CliTest.Run tail = CliTest.run("logs", "tail", "-n", "3", "--url", url, "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(tail.code()).as(tail.out()).isZero();
            String out = tail.out();
            assertThat(out).doesNotContain("cli-0");
            assertThat(out.indexOf("cli-1")).isPositive().isLessThan(out.indexOf("cli-2"));
            assertThat(out.indexOf("cli-2")).isLessThan(out.indexOf("cli-3"));
            assertThat(out).contains("200", "gpt-4o-mini", "sim");

            CliTest.Run filtered = CliTest.run("logs", "tail", "--model", "gpt-4o", "--json", "--url", url,
                    "--admin-key", TestGateway.ADMIN_KEY);
            String[] lines = filtered.out().strip().split("\n");
            assertThat(lines).hasSize(2);
            JsonNode first = Json.MAPPER.readTree(lines[0]);
            assertThat(first.path("request_id").asText()).isEqualTo("cli-1");
            assertThat(first.path("model").asText()).isEqualTo("gpt-4o");

            // -f: requests written after the cursor it follows from are printed by the next poll, once
            String cursor = gw.http().get("/admin/analytics/requests?limit=1", Map.of("authorization",
                    "Bearer " + TestGateway.ADMIN_KEY)).json().path("tail_cursor").asText();
            chat(gw, key, "gpt-4o", "cli-new");
            chat(gw, key, "gpt-4o-mini", "cli-other-model");
            gw.flushLog();
            CliTest.Run follow = CliTest.run("logs", "tail", "-n", "0", "-f", "--interval", "100ms", "--polls", "2",
                    "--after", cursor, "--model", "gpt-4o", "--url", url, "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(follow.code()).as(follow.out()).isZero();
            assertThat(follow.out()).contains("cli-new").doesNotContain("cli-1", "cli-other-model");
            assertThat(follow.out().indexOf("cli-new")).isEqualTo(follow.out().lastIndexOf("cli-new"));

            CliTest.Run bad = CliTest.run("logs", "tail", "--status", "teapot", "--url", url, "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(bad.code()).isNotZero();
            assertThat(bad.out()).contains("not a status filter");
        }
    }

    @Test
    @DisplayName("stats prints a table grouped by model, and the JSON answer with --json")
    void stats() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("cli");
            for (int i = 0; i < 2; i++) {
                chat(gw, key, i == 0 ? "gpt-4o" : "gpt-4o-mini", "s-" + i);
            }
            var rated = gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"hello\"}]}", Map.of("authorization", "Bearer " + key));
            assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + rated.header("x-request-id")
                    + "\",\"value\":\"up\"}", Map.of("authorization", "Bearer " + key)).status()).isEqualTo(201);
            gw.flushLog();
            String url = "http://127.0.0.1:" + gw.gateway().port();
            CliTest.Run table = CliTest.run("stats", "--from", "1h", "--group-by", "model", "--url", url,
                    "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(table.code()).as(table.out()).isZero();
            assertThat(table.out()).contains("model", "requests", "p99 ms", "cost $", "gpt-4o-mini", "3 request(s)");
            String miniLine = table.out().lines().filter(l -> l.startsWith("gpt-4o-mini")).findFirst().orElseThrow();
            assertThat(miniLine.split("\\s+")[1]).isEqualTo("2");
            assertThat(miniLine).endsWith("1 (100% positive)");
            assertThat(table.out()).contains("feedback");

            CliTest.Run json = CliTest.run("stats", "--from", "1h", "--bucket", "1m", "--json", "--url", url,
                    "--admin-key", TestGateway.ADMIN_KEY);
            JsonNode body = Json.MAPPER.readTree(json.out());
            assertThat(body.path("requests").asLong()).isEqualTo(3);
            assertThat(body.path("bucket").asText()).isEqualTo("1m");
            long total = 0;
            for (JsonNode row : body.path("data")) {
                total += row.path("count").asLong();
            }
            assertThat(total).isEqualTo(3);
        }
    }
}
