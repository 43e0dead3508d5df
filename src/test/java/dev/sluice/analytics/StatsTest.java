package dev.sluice.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.store.RequestRecord;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("GET /admin/analytics/stats: counts, errors by type, exact percentiles, tokens, cost, cache hits per bucket and group")
class StatsTest {
    static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    static TestGateway start(String store) {
        String yaml = store.equals("postgresql") ? "store:\n  url: \"" + Services.postgres() + "\"\n" : "";
        return TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC());
    }

    /** Nearest rank over the given values: the value at rank ceil(p/100 * n). */
    static long nearestRank(List<Long> values, int p) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[(int) Math.ceil(p / 100.0 * sorted.length) - 1];
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("hourly buckets grouped by model: every figure matches the seeded rows; both stores agree")
    void bucketsAndGroups(String store) {
        try (TestGateway gw = start(store)) {
            Random random = new Random(7);
            List<RequestRecord> rows = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                long ts = T0 + random.nextLong(3 * 3_600_000L); // three hours
                String model = i % 3 == 0 ? "gpt-4o" : "gpt-4o-mini";
                int status = i % 10 == 0 ? 429 : i % 17 == 0 ? 502 : 200;
                String error = status == 429 ? "rate_limited" : status == 502 ? "server_error" : null;
                long latency = 50 + random.nextInt(2000);
                long ttft = i % 4 == 0 ? -1 : 10 + random.nextInt(500);
                rows.add(Seed.row(ts, "r" + i, "key_a", "search", "u" + (i % 5), model, "sim", status, error, latency, ttft,
                        100 + i, 10 + i, 0.001 * (i % 7), i % 6 == 0 ? "hit" : "miss",
                        "{\"prompt_version\":\"v" + (i % 2) + "\",\"feature\":\"f" + (i % 3) + "\"}", null, null));
            }
            rows.add(Seed.row(T0 - 1, "before", "key_a", "search", "u", "gpt-4o", "sim", 200, null, 1, 1, 1, 1, 1, null,
                    null, null, null)); // outside the range
            Seed.write(gw, rows);

            // exact=true reads the raw log (exact percentiles); by default hours come from rollups (percentiles from
            // their histograms: within 12.3% + 1 ms of the exact value, every other figure exact)
            for (boolean exact : new boolean[] {true, false}) {
            Http.Response r = gw.http().get("/admin/analytics/stats?from=2026-03-01T10:00:00Z&to=2026-03-01T13:00:00Z"
                    + "&bucket=1h&group_by=model" + (exact ? "&exact=true" : ""), ADMIN);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode body = r.json();
            assertThat(body.path("source").asText()).isEqualTo(exact ? "raw" : "rollups");
            assertThat(body.path("requests").asLong()).isEqualTo(300);
            assertThat(body.path("bucket").asText()).isEqualTo("1h");
            JsonNode data = body.path("data");
            assertThat(data).hasSize(6); // 3 hours x 2 models
            for (JsonNode g : data) {
                long bucket = Instant.parse(g.path("bucket_start").asText()).toEpochMilli();
                assertThat(bucket % 3_600_000L).as("aligned to the hour").isZero();
                String model = g.path("group").path("model").asText();
                List<RequestRecord> mine = rows.stream().filter(x -> x.model().equals(model) && x.ts() >= bucket
                        && x.ts() < bucket + 3_600_000L && x.ts() >= T0).toList();
                assertThat(g.path("count").asLong()).isEqualTo(mine.size());
                List<Long> latencies = mine.stream().map(RequestRecord::latencyMs).toList();
                List<Long> ttfts = mine.stream().map(RequestRecord::ttftMs).filter(t -> t >= 0).toList();
                for (int p : new int[] {50, 90, 99}) {
                    if (exact) {
                        assertThat(g.path("latency_ms").path("p" + p).asLong()).isEqualTo(nearestRank(latencies, p));
                        assertThat(g.path("ttft_ms").path("p" + p).asLong()).isEqualTo(nearestRank(ttfts, p));
                    } else {
                        long l = nearestRank(latencies, p);
                        long t = nearestRank(ttfts, p);
                        assertThat(g.path("latency_ms").path("p" + p).asLong()).isCloseTo(l,
                                org.assertj.core.data.Offset.offset((long) (0.123 * l) + 1));
                        assertThat(g.path("ttft_ms").path("p" + p).asLong()).isCloseTo(t,
                                org.assertj.core.data.Offset.offset((long) (0.123 * t) + 1));
                    }
                }
                long errors = mine.stream().filter(x -> x.status() >= 400).count();
                assertThat(g.path("errors").asLong()).isEqualTo(errors);
                long limited = mine.stream().filter(x -> x.status() == 429).count();
                assertThat(g.path("errors_by_type").path("rate_limited").path("count").asLong()).isEqualTo(limited);
                assertThat(g.path("error_rate").asDouble()).isCloseTo((double) errors / mine.size(),
                        org.assertj.core.data.Offset.offset(1e-6));
                assertThat(g.path("tokens").path("input").asLong())
                        .isEqualTo(mine.stream().mapToLong(RequestRecord::tokensIn).sum());
                assertThat(g.path("cost_usd").asDouble()).isCloseTo(mine.stream().mapToDouble(RequestRecord::costUsd).sum(),
                        org.assertj.core.data.Offset.offset(1e-9));
                assertThat(g.path("cache_hits").asLong())
                        .isEqualTo(mine.stream().filter(x -> "hit".equals(x.cacheStatus())).count());
                assertThat(g.has("feedback")).isTrue();
            }
            }

            // one bucket, grouped by prompt version and a tag, filtered to errors
            JsonNode grouped = gw.http().get("/admin/analytics/stats?from=2026-03-01&to=2026-03-02"
                    + "&group_by=prompt_version,tag:feature&status=error", ADMIN).json();
            assertThat(grouped.path("requests").asLong()).isEqualTo(rows.stream().filter(x -> x.ts() >= T0 && x.status() >= 400).count());
            assertThat(grouped.path("data")).hasSize(6);
            assertThat(grouped.path("data").get(0).path("group").path("prompt_version").asText()).isEqualTo("v0");
            assertThat(grouped.path("data").get(0).path("bucket_start").asText()).isEqualTo("2026-03-01T00:00:00Z");
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("real requests through the gateway show up, and bad parameters are clear 400s")
    void realRequestsAndErrors(String store) {
        try (TestGateway gw = start(store)) {
            String key = gw.createKey("stats");
            for (int i = 0; i < 3; i++) {
                assertThat(gw.http().post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hello " + i + "\"}]}", Map.of("authorization", "Bearer " + key,
                        "x-sluice-tags", "prompt_version=p3")).status()).isEqualTo(200);
            }
            gw.flushLog();
            JsonNode s = gw.http().get("/admin/analytics/stats?from=1h&group_by=provider,prompt_version", ADMIN).json();
            assertThat(s.path("data")).hasSize(1);
            JsonNode g = s.path("data").get(0);
            assertThat(g.path("group").path("provider").asText()).isEqualTo("sim");
            assertThat(g.path("group").path("prompt_version").asText()).isEqualTo("p3");
            assertThat(g.path("count").asLong()).isEqualTo(3);
            assertThat(g.path("tokens").path("output").asLong()).isPositive();

            for (String bad : List.of("group_by=colour", "group_by=model,provider,key,team", "bucket=0m", "bucket=fast",
                    "from=yesterday", "status=teapot", "from=2026-03-02&to=2026-03-01")) {
                Http.Response r = gw.http().get("/admin/analytics/stats?" + bad, ADMIN);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().path("error").path("message").asText()).as(bad).isNotBlank();
                assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
            }
            assertThat(gw.http().get("/admin/analytics/stats", Map.of()).status()).isEqualTo(401);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("feedback: count, positive/negative and their rates, the mean score, per group and per feedback name")
    void feedbackAggregates(String store) {
        try (TestGateway gw = start(store)) {
            String key = gw.createKey("stats-feedback");
            Map<String, String> auth = Map.of("authorization", "Bearer " + key);
            String a1 = chat(gw, key, "gpt-4o");
            String a2 = chat(gw, key, "gpt-4o");
            String m1 = chat(gw, key, "gpt-4o-mini");
            chat(gw, key, "gpt-4o-mini"); // no feedback at all
            for (String fb : List.of(
                    "{\"request_id\":\"" + a1 + "\",\"value\":\"up\"}",
                    "{\"request_id\":\"" + a2 + "\",\"value\":\"up\"}",
                    "{\"request_id\":\"" + a2 + "\",\"name\":\"helpfulness\",\"value\":4}",
                    "{\"request_id\":\"" + a1 + "\",\"name\":\"helpfulness\",\"value\":2.5}",
                    "{\"request_id\":\"" + a1 + "\",\"name\":\"resolved\",\"value\":false}",
                    "{\"request_id\":\"" + m1 + "\",\"value\":\"down\"}",
                    "{\"request_id\":\"" + m1 + "\",\"name\":\"topic\",\"value\":\"billing\"}")) {
                Http.Response r = gw.http().post("/v1/feedback", fb, auth);
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
            gw.flushLog();

            JsonNode data = gw.http().get("/admin/analytics/stats?from=1h&group_by=model", ADMIN).json().path("data");
            assertThat(data).hasSize(2);
            JsonNode big = data.get(0).path("feedback");
            assertThat(data.get(0).path("group").path("model").asText()).isEqualTo("gpt-4o");
            assertThat(big.path("count").asLong()).isEqualTo(5);
            assertThat(big.path("positive").asLong()).isEqualTo(2); // two thumbs up
            assertThat(big.path("negative").asLong()).isEqualTo(1); // resolved: false
            assertThat(big.path("positive_rate").asDouble()).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(big.path("negative_rate").asDouble()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(big.path("scored").asLong()).isEqualTo(2);
            assertThat(big.path("mean").asDouble()).isEqualTo(3.25);
            assertThat(big.path("by_name").path("thumbs").path("count").asLong()).isEqualTo(2);
            assertThat(big.path("by_name").path("thumbs").path("positive_rate").asDouble()).isEqualTo(1.0);
            assertThat(big.path("by_name").path("helpfulness").path("mean").asDouble()).isEqualTo(3.25);
            assertThat(big.path("by_name").path("helpfulness").path("positive_rate").isNull()).isTrue();
            assertThat(big.path("by_name").path("resolved").path("negative").asLong()).isEqualTo(1);

            JsonNode mini = data.get(1).path("feedback");
            assertThat(data.get(1).path("count").asLong()).isEqualTo(2);
            assertThat(mini.path("count").asLong()).isEqualTo(2);
            assertThat(mini.path("negative_rate").asDouble()).isEqualTo(1.0);
            assertThat(mini.path("mean").isNull()).isTrue();
            assertThat(mini.path("by_name").path("topic").path("count").asLong()).isEqualTo(1);

            // filters apply to the rated requests: errors only has no feedback, and no groups
            JsonNode errorsOnly = gw.http().get("/admin/analytics/stats?from=1h&status=error", ADMIN).json();
            assertThat(errorsOnly.path("data")).isEmpty();
            // a group without feedback has zeros and nulls, never a missing field
            JsonNode byUser = gw.http().get("/admin/analytics/stats?from=1h&model=gpt-4o-mini&status=ok", ADMIN).json();
            assertThat(byUser.path("data").get(0).path("feedback").path("count").asLong()).isEqualTo(2);
        }
    }

    private static String chat(TestGateway gw, String key, String model) {
        Http.Response r = gw.http().post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", Map.of("authorization", "Bearer " + key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.header("x-request-id");
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("caps: too many groups or buckets and a query past its timeout are 400s that name the cap")
    void capsThroughHttp(String store) {
        String yaml = (store.equals("postgresql") ? "store:\n  url: \"" + Services.postgres() + "\"\n" : "")
                + "analytics:\n  max_groups: 4\n";
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC())) {
            List<RequestRecord> rows = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                rows.add(Seed.row(T0 + i * 60_000L, "g" + i, "k", null, "u" + (i % 5), "m", "sim", 200, null, 5, 1, 1, 1,
                        0, null, null, null, null));
            }
            Seed.write(gw, rows);
            String range = "/admin/analytics/stats?from=2026-03-01T10:00:00Z&to=2026-03-01T11:00:00Z";
            assertThat(gw.http().get(range + "&group_by=model", ADMIN).status()).isEqualTo(200);
            Http.Response groups = gw.http().get(range + "&group_by=user", ADMIN);
            assertThat(groups.status()).isEqualTo(400);
            assertThat(groups.json().path("error").path("code").asText()).isEqualTo("query_too_large");
            assertThat(groups.json().path("error").path("message").asText()).contains("More than 4 groups",
                    "analytics.max_groups");
            Http.Response buckets = gw.http().get(range + "&bucket=1m", ADMIN);
            assertThat(buckets.status()).isEqualTo(400);
            assertThat(buckets.json().path("error").path("param").asText()).isEqualTo("bucket");
            assertThat(buckets.json().path("error").path("message").asText()).contains("More than 4 buckets");
        }
        String slow = (store.equals("postgresql") ? "store:\n  url: \"" + Services.postgres() + "\"\n" : "")
                + "analytics:\n  query_timeout: 1ms\n";
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), slow, Clock.systemUTC())) {
            List<RequestRecord> rows = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                rows.add(Seed.row(T0 + i, "s" + i, "k", null, "u" + i, "m", "sim", 200, null, 5, 1, 1, 1, 0, null,
                        "{\"feature\":\"f" + i + "\"}", null, null));
            }
            Seed.write(gw, rows);
            Http.Response r = gw.http().get("/admin/analytics/stats?group_by=tag:feature", ADMIN);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("query_timeout");
            assertThat(r.json().path("error").path("message").asText()).contains("analytics.query_timeout");
            // the read connection is usable again afterwards
            assertThat(gw.http().get("/admin/analytics/requests?limit=1", ADMIN).status()).isEqualTo(200);
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("an exact aggregate (raw log) over more rows than the cap is a 400 asking to narrow the range")
    void rowCap() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-cap");
        try (dev.sluice.store.Database db = dev.sluice.store.Database.openSqlite(dir.resolve("cap.db"));
             java.sql.Connection c = db.connect()) {
            List<RequestRecord> rows = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                rows.add(Seed.row(T0 + i, "c" + i, "k", null, null, "m", "sim", 200, null, i, i, 1, 1, 0, null, null, null, null));
            }
            new dev.sluice.store.RequestLogSink().insert(c, rows);
            dev.sluice.store.StatsReader reader = new dev.sluice.store.StatsReader(db);
            Stats.Spec spec = new Stats.Spec(null, null, null, List.of(), 4, 100, java.time.Duration.ofSeconds(30), true);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stats.compute(reader, dev.sluice.store.RequestQuery.ALL, spec))
                    .isInstanceOfSatisfying(dev.sluice.api.SluiceException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("More than 4 requests match", "analytics.max_rows", "narrow");
                    });
            assertThat(Json.MAPPER.readTree(Stats.compute(reader, dev.sluice.store.RequestQuery.ALL,
                    new Stats.Spec(null, null, null, List.of(), 5, 100, java.time.Duration.ofSeconds(30), true)).bytes())
                    .path("requests").asLong()).isEqualTo(5);
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("nearest rank: p50 of 1..10 is 5, p90 is 9, p99 is 10")
    void nearestRankDefinition() {
        Percentiles p = new Percentiles();
        for (long v : new long[] {10, 3, 1, 7, 2, 9, 4, 8, 6, 5}) {
            p.add(v);
        }
        assertThat(Arrays.asList(p.percentile(50), p.percentile(90), p.percentile(99))).containsExactly(5L, 9L, 10L);
        assertThat(new Percentiles().percentile(50)).isNull();
    }
}
