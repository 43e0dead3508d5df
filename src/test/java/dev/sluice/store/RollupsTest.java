package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.analytics.Stats;
import dev.sluice.api.Json;
import dev.sluice.testing.Services;
import dev.sluice.testing.SqliteTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Rollups of the request log: maintained at ingest, idempotent on retry, same answers as the raw log")
class RollupsTest {
    static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;

    static Database open(String store) throws Exception {
        return store.equals("sqlite") ? Database.openSqlite(SqliteTemplate.copyTo(Files.createTempDirectory("sluice-rollups").resolve("r.db")))
                : Database.openPostgres(Services.postgres());
    }

    static List<RequestRecord> records(int n, long seed) {
        Random random = new Random(seed);
        String[] models = {"gpt-4o", "gpt-4o-mini", "claude", null};
        String[] teams = {"search", "support", null};
        List<RequestRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = T0 + random.nextLong(3 * 24 * HOUR);
            int status = random.nextInt(10) == 0 ? 429 : random.nextInt(15) == 0 ? 502 : 200;
            String error = status == 429 ? "rate_limited" : status == 502 ? "server_error" : null;
            long latency = random.nextInt(20) == 0 ? random.nextInt(5) : (long) Math.exp(random.nextDouble() * 11);
            long ttft = random.nextInt(4) == 0 ? -1 : (long) Math.exp(random.nextDouble() * 8);
            String prompt = random.nextInt(3) == 0 ? "greet" : null;
            Integer version = prompt == null ? null : 1 + random.nextInt(2);
            String tags = random.nextInt(4) == 0 ? "{\"prompt_version\":\"t" + random.nextInt(2) + "\"}" : null;
            String cache = random.nextInt(5) == 0 ? "hit" : random.nextInt(3) == 0 ? "miss" : null;
            out.add(new RequestRecord(ts, "r" + i, "key_" + random.nextInt(4), teams[random.nextInt(3)],
                    random.nextInt(5) == 0 ? null : "u" + random.nextInt(30), random.nextInt(8) == 0 ? "embeddings" : "chat",
                    models[random.nextInt(4)], random.nextBoolean() ? "openai" : "sim", "up", false, status, error,
                    status == 200 ? 1 + random.nextInt(900) : null, status == 200 ? random.nextInt(400) : null, ttft,
                    latency, 1, null, null, null, status == 200 ? random.nextInt(1000) / 1e5 : null, cache, null, null, null,
                    null, null, tags, null, prompt, version, null, null, null, null));
        }
        return out;
    }

    static void write(Database db, List<RequestRecord> rows) throws Exception {
        Path spill = Files.createTempDirectory("sluice-rollups-spill");
        try (BatchWriter<RequestRecord> w = new BatchWriter<>("request-log", db, new RequestLogSink(), RequestRecord.class,
                100_000, spill)) {
            rows.forEach(w::offer);
            assertThat(w.flush(60_000)).isTrue();
        }
    }

    record Q(String name, RequestQuery query, Duration bucket, List<String> groupBy) {}

    static RequestQuery range(Long from, Long to) {
        return RequestQuery.ALL.withRange(from, to);
    }

    static RequestQuery filtered(Long from, Long to, String team, String user, String model, String status) {
        return new RequestQuery(from, to, null, team, user, model, null, status, null, null, null, null, null, null, null,
                null, null);
    }

    static List<Q> queries() {
        long odd = T0 + 17_123; // not aligned to anything
        long end = T0 + 2 * 24 * HOUR + 5 * HOUR + 13 * 60_000 + 7_000;
        return List.of(
                new Q("unaligned range grouped by model", range(odd, end), null, List.of("model")),
                new Q("hourly buckets, errors, grouped by provider", filtered(odd, end, null, null, null, "error"),
                        Duration.ofHours(1), List.of("provider")),
                new Q("5-minute buckets over 3 hours, one team, grouped by model",
                        filtered(T0 + 5 * HOUR + 31_000, T0 + 8 * HOUR + 7_000, "search", null, null, null),
                        Duration.ofMinutes(5), List.of("model")),
                new Q("daily buckets from an unaligned start to now", range(odd, null), Duration.ofDays(1), List.of("team")),
                new Q("one key (hours from rollups, partial hours raw)", new RequestQuery(odd, end, "key_1", null, null,
                        null, null, null, null, null, null, null, null, null, null, null, null), null, List.of("cache_status")),
                new Q("grouped by prompt version (stored prompts and the tag)", range(null, null), null,
                        List.of("prompt_version")),
                new Q("all time by error type and status", range(null, null), null, List.of("error_type", "status")),
                new Q("4xx of one model, hourly", filtered(odd, end, null, null, "gpt-4o", "4xx"), Duration.ofHours(1),
                        List.of()),
                new Q("daily buckets grouped by operation and team", range(T0, T0 + 3 * 24 * HOUR), Duration.ofDays(1),
                        List.of("operation", "team")),
                // the dashboard's Overview: totals, a series and a grouping over an unaligned range to now
                new Q("overview total, unaligned 2 days to now", range(odd + 24 * HOUR - 48 * HOUR + 3 * HOUR, null),
                        null, List.of()),
                new Q("overview series, 30-minute buckets", range(odd + 11 * HOUR, odd + 35 * HOUR), Duration.ofMinutes(30),
                        List.of()),
                new Q("overview series, 6-hour buckets", range(odd, null), Duration.ofHours(6), List.of()),
                new Q("overview series, 1-minute buckets over an hour", range(odd + 7 * HOUR, odd + 8 * HOUR),
                        Duration.ofMinutes(1), List.of()),
                new Q("overview by model, unaligned 24 h", range(odd + 5 * HOUR, odd + 29 * HOUR), null, List.of("model")));
    }

    static JsonNode stats(StatsReader reader, Q q, boolean exact) throws Exception {
        return Json.MAPPER.readTree(Stats.compute(reader, q.query(), new Stats.Spec(q.query().fromMillis(),
                q.query().toMillis(), q.bucket(), q.groupBy(), 10_000_000, 100_000, Duration.ofSeconds(60), exact)).bytes());
    }

    /** Counts, errors, tokens and cost equal; percentiles within the histogram's bucket error (12.3% + 1 ms). */
    static void assertSameAnswers(String name, JsonNode rollup, JsonNode raw) {
        assertThat(rollup.path("source").asText()).as(name).isEqualTo("rollups");
        assertThat(raw.path("source").asText()).as(name).isEqualTo("raw");
        assertThat(rollup.path("requests").asLong()).as(name).isEqualTo(raw.path("requests").asLong()).isPositive();
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode g : raw.path("data")) {
            byKey.put(g.path("bucket_start").asText() + g.path("group"), g);
        }
        assertThat(rollup.path("data").size()).as(name + ": groups").isEqualTo(byKey.size());
        for (JsonNode g : rollup.path("data")) {
            String where = name + " " + g.path("bucket_start").asText() + " " + g.path("group");
            JsonNode e = byKey.get(g.path("bucket_start").asText() + g.path("group"));
            assertThat(e).as(where + " exists in the raw answer").isNotNull();
            for (String f : List.of("count", "errors", "cache_hits")) {
                assertThat(g.path(f).asLong()).as(where + " " + f).isEqualTo(e.path(f).asLong());
            }
            assertThat(g.path("errors_by_type")).as(where).isEqualTo(e.path("errors_by_type"));
            assertThat(g.path("tokens")).as(where).isEqualTo(e.path("tokens"));
            assertThat(g.path("cost_usd").asDouble()).as(where).isCloseTo(e.path("cost_usd").asDouble(), Offset.offset(1e-9));
            assertThat(g.path("feedback")).as(where).isEqualTo(e.path("feedback"));
            for (String metric : List.of("latency_ms", "ttft_ms")) {
                assertThat(g.path(metric).path("count").asLong()).as(where).isEqualTo(e.path(metric).path("count").asLong());
                for (String p : List.of("p50", "p90", "p99")) {
                    JsonNode exact = e.path(metric).path(p);
                    if (exact.isNull()) {
                        assertThat(g.path(metric).path(p).isNull()).as(where + " " + metric + " " + p).isTrue();
                        continue;
                    }
                    long v = exact.asLong();
                    assertThat(g.path(metric).path(p).asLong()).as(where + " " + metric + " " + p)
                            .isCloseTo(v, Offset.offset((long) (v * 0.123) + 1));
                }
            }
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("every query the rollups can answer gets the raw log's counts, errors, tokens, cost and feedback, and"
            + " percentiles within the histogram's bucket error")
    void sameAnswers(String store) throws Exception {
        try (Database db = open(store)) {
            List<RequestRecord> rows = records(4000, 11);
            write(db, rows);
            // some feedback, so the feedback-driven read is compared too
            db.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    for (int i = 0; i < 40; i++) {
                        RequestRecord r = rows.get(i * 97);
                        s.executeUpdate("INSERT INTO feedback (id, ts, request_id, team, name, kind, value_num, sentiment)"
                                + " VALUES ('fb" + i + "', " + (r.ts() + 1000) + ", '" + r.requestId() + "', "
                                + (r.team() == null ? "NULL" : "'" + r.team() + "'") + ", 'thumbs', 'thumbs', " + (i % 2)
                                + ", '" + (i % 2 == 0 ? "negative" : "positive") + "')");
                    }
                }
                return null;
            });
            StatsReader reader = new StatsReader(db);
            for (Q q : queries()) {
                assertThat(reader.plan(q.query(), q.bucket() == null ? 0 : q.bucket().toMillis(), q.groupBy()))
                        .as(q.name() + ": rollups answer it").isNotNull()
                        .anySatisfy(s -> assertThat(s.level()).isNotNull());
                assertSameAnswers(q.name(), stats(reader, q, false), stats(reader, q, true));
            }
            // what rollups do not hold is answered from the raw log
            RequestQuery tagged = new RequestQuery(null, null, null, null, null, null, null, null, null,
                    Map.of("prompt_version", "t1"), null, null, null, null, null, null, null);
            assertThat(reader.plan(tagged, 0, List.of())).isNull();
            assertThat(reader.plan(RequestQuery.ALL, 0, List.of("tag:feature"))).isNull();
            assertThat(reader.plan(RequestQuery.ALL, 30_000, List.of())).as("a 30 s bucket").isNull();
            assertThat(reader.plan(RequestQuery.ALL, 0, List.of("user"))).as("users are not rolled up").isNull();
            assertThat(stats(reader, new Q("tagged", tagged, null, List.of()), false).path("source").asText()).isEqualTo("raw");
        }
    }

    @Test
    @DisplayName("the Overview's calls over 1 h, 24 h, 7 d and 30 d read a bounded number of rollup buckets, totals and"
            + " series from the levels without model, team, key or prompt, groupings never from the per-key hours")
    void overviewPlansAreBounded() {
        StatsReader reader = new StatsReader(null); // planning reads nothing
        long now = T0 + 40 * 24 * HOUR + 7 * HOUR + 23 * 60_000 + 17_345; // unaligned, as the clock is
        long[][] ranges = {{HOUR, 60_000}, {24 * HOUR, 30 * 60_000}, {7 * 24 * HOUR, 6 * HOUR}, {30 * 24 * HOUR, 24 * HOUR}};
        // at most ~170 buckets (7 days of hours for a 6-hour series), each a few rows (status, error type, cache)
        List<Rollups.Level> totals = List.of(Rollups.DAY_TOTAL, Rollups.HOUR_TOTAL, Rollups.HALF_HOUR_TOTAL,
                Rollups.FIVE_MINUTE_TOTAL, Rollups.MINUTE_TOTAL);
        for (long[] r : ranges) {
            RequestQuery q = range(now - r[0], null);
            for (long bucket : new long[] {0, r[1]}) {
                List<StatsReader.Segment> plan = reader.plan(q, bucket, List.of());
                assertThat(plan).as(r[0] + " ms, bucket " + bucket).allSatisfy(seg -> {
                    if (seg.level() != null) {
                        assertThat(totals).contains(seg.level());
                    }
                });
                assertThat(buckets(plan, now)).as(r[0] + " ms, bucket " + bucket).isLessThanOrEqualTo(200);
            }
            for (String group : List.of("model", "team", "provider", "cache_status")) {
                List<StatsReader.Segment> plan = reader.plan(q, 0, List.of(group));
                assertThat(plan).as(r[0] + " ms by " + group).allSatisfy(seg -> {
                    assertThat(seg.level()).isNotEqualTo(Rollups.HOUR);
                    if (seg.level() != null && seg.level().widthMillis() >= 300_000 && !group.equals("provider")) {
                        // model and team have their own narrow levels; cache status is among the totals'
                        assertThat(seg.level().dims()).hasSizeLessThanOrEqualTo(4);
                    }
                });
                assertThat(buckets(plan, now)).as(r[0] + " ms by " + group).isLessThanOrEqualTo(200);
            }
        }
        // a filter on a key reads the per-key hours, and the raw log only for the partial hours at the ends
        RequestQuery key = new RequestQuery(now - 30 * 24 * HOUR, null, "key_1", null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
        assertThat(reader.plan(key, 0, List.of("model"))).extracting(StatsReader.Segment::level)
                .containsExactly(null, Rollups.HOUR);
    }

    /** Rollup buckets a plan reads up to {@code now}, and that its raw pieces are under a minute each. */
    private static long buckets(List<StatsReader.Segment> plan, long now) {
        long n = 0;
        for (StatsReader.Segment seg : plan) {
            long to = seg.to() == null ? now : seg.to();
            if (seg.level() == null) {
                assertThat(to - seg.from()).as("a raw edge").isLessThan(60_000);
            } else {
                n += Math.max(1, -Math.floorDiv(-(to - seg.from()), seg.level().widthMillis()));
            }
        }
        return n;
    }

    static long rolledUp(Database db, String table) {
        return db.withConnection(c -> {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COALESCE(SUM(requests), 0) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a batch retried after its commit went through (and a record twice in one batch) is counted once")
    void retryCountsOnce(String store) throws Exception {
        try (Database db = open(store); Connection c = db.connect()) {
            c.setAutoCommit(false);
            List<RequestRecord> batch = records(300, 5);
            RequestLogSink sink = new RequestLogSink();
            sink.insert(c, batch);
            c.commit();
            // the writer saw the commit fail (a lost acknowledgement) and writes the batch again, with one new record
            // and one record twice
            List<RequestRecord> retry = new ArrayList<>(batch);
            RequestRecord extra = records(1, 99).getFirst();
            retry.add(extra);
            retry.add(extra);
            sink.insert(c, retry);
            c.commit();
            for (Rollups.Level level : Rollups.LEVELS) {
                assertThat(rolledUp(db, level.table())).as(level.table()).isEqualTo(301);
            }
            assertThat(new RequestLogReader(db).count()).isEqualTo(301);
            // a transaction rolled back leaves neither raw rows nor rollups
            sink.insert(c, records(50, 6));
            c.rollback();
            assertThat(rolledUp(db, "rollup_minute")).isEqualTo(301);
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("rows stored before the rollups existed are rolled up once at the next open, server side, with the"
            + " same buckets as ingest")
    void backfill(String store) throws Exception {
        Path dir = Files.createTempDirectory("sluice-backfill");
        String url = store.equals("sqlite") ? null : Services.postgres();
        List<RequestRecord> rows = records(2000, 21).stream()
                .map(r -> new RequestRecord(r.ts(), r.requestId(), r.keyId(), r.team(), r.endUser(), r.operation(),
                        r.model(), r.provider(), r.upstreamModel(), r.stream(), r.status(), r.errorType(), r.tokensIn(),
                        r.tokensOut(), r.ttftMs(), r.latencyMs(), r.attempts(), null, null, null, r.costUsd(),
                        r.cacheStatus(), null, null, null, null, null, null, null, r.prompt(), r.promptVersion(), null,
                        null, null, null)) // no tags: the backfill reads no JSON (the prompt_version tag is ingest-only)
                .toList();
        java.util.function.Supplier<Database> opener = () -> url == null ? Database.openSqlite(dir.resolve("b.db"))
                : Database.openPostgres(url);
        try (Database db = opener.get(); Connection c = db.connect()) {
            c.setAutoCommit(false);
            new RequestLogSink().insert(c, rows);
            // as if stored by a version without rollups: raw rows only, not yet backfilled
            try (Statement s = c.createStatement()) {
                for (Rollups.Level level : Rollups.LEVELS) {
                    s.executeUpdate("DELETE FROM " + level.table());
                }
                s.executeUpdate("UPDATE rollup_state SET backfilled = 0");
            }
            c.commit();
        }
        try (Database db = opener.get(); Database again = opener.get()) { // the second open finds it done
            for (Rollups.Level level : Rollups.LEVELS) {
                assertThat(rolledUp(db, level.table())).as(level.table()).isEqualTo(2000);
            }
            StatsReader reader = new StatsReader(db);
            for (Q q : queries()) {
                assertSameAnswers(q.name(), stats(reader, q, false), stats(reader, q, true));
            }
        }
    }

    @Test
    @DisplayName("histogram buckets: every integer lands in the bucket whose bounds hold it; estimates stay within 12.3% + 1 ms")
    void buckets() {
        for (long v = 0; v < 3_000_000; v += v < 10_000 ? 1 : 997) {
            int k = Rollups.bucket(v);
            assertThat(Rollups.LOWER[k]).isLessThanOrEqualTo(v);
            if (k < Rollups.BUCKETS - 1) {
                assertThat(v).isLessThan(Rollups.LOWER[k + 1]);
                assertThat(Rollups.estimate(k)).as("v=" + v).isCloseTo(v, Offset.offset((long) (v * 0.123) + 1));
            }
        }
        for (long v = 0; v <= 4; v++) {
            assertThat(Rollups.estimate(Rollups.bucket(v))).as("small values are exact").isEqualTo(v);
        }
    }
}
