package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.RetentionConfig;
import dev.sluice.testing.Services;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL: request log, spans and bodies partitioned by day; pruning and indexes proven by EXPLAIN; retention drops days")
class PartitionsTest {
    static final long DAY = 86_400_000L;

    static long today() {
        return LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    static RequestRecord row(long ts, String model, int status) {
        return new RequestRecord(ts, "req-" + ts, "key_a", "team-a", "user-1", "chat", model, "sim", "up", false, status,
                status >= 400 ? "server_error" : null, 10, 5, 20, 40, 1, null, null, null, 0.01, null, null, null, null,
                "t" + ts, "s1", null, null);
    }

    static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String explain(Connection c, String sql, Object... args) throws Exception {
        StringBuilder out = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }

    static String partition(String table, long dayMillis) {
        return table + "_p" + LocalDate.ofInstant(Instant.ofEpochMilli(dayMillis), ZoneOffset.UTC).toString().replace("-", "");
    }

    @Test
    @DisplayName("rows stored before the migration are kept, each in its day's partition (older than 60 days: the"
            + " default one), with every index and the id sequence carried over")
    void migrationKeepsRows() throws Exception {
        String url = Services.emptyPostgres();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/postgresql").outOfOrder(true)
                .target("50").load().migrate();
        long today = today();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (long ts : new long[] {today + 1000, today - 3 * DAY + 5, today - 500 * DAY}) {
                s.executeUpdate("INSERT INTO request_log (ts, request_id, operation, stream, status, latency_ms, uid) VALUES ("
                        + ts + ", 'old-" + ts + "', 'chat', 0, 200, 5, 'uid-" + ts + "')");
                s.executeUpdate("INSERT INTO spans (trace_id, span_id, name, kind, start_ns, end_ns, status) VALUES ('tr"
                        + ts + "', 'sp', 'chat', 'server', " + ts * 1_000_000 + ", " + (ts + 5) * 1_000_000 + ", 'ok')");
                s.executeUpdate("INSERT INTO bodies (request_id, ts, request) VALUES ('old-" + ts + "', " + ts + ", '{}')");
            }
        }
        try (Database db = Database.openPostgres(url); Connection c = db.connect()) {
            for (String t : List.of("request_log", "spans", "bodies")) {
                assertThat(count(c, "SELECT COUNT(*) FROM pg_partitioned_table WHERE partrelid = '" + t + "'::regclass"))
                        .as(t + " is partitioned").isEqualTo(1);
                assertThat(count(c, "SELECT COUNT(*) FROM " + t)).as(t + " kept its rows").isEqualTo(3);
                assertThat(count(c, "SELECT COUNT(*) FROM " + t + "_default")).as("the 500-day-old row").isEqualTo(1);
                assertThat(Partitions.list(db, t)).contains(partition(t, today - 3 * DAY), partition(t, today),
                        partition(t, today + Partitions.DAYS_AHEAD * DAY));
            }
            assertThat(count(c, "SELECT COUNT(*) FROM " + partition("request_log", today - 3 * DAY))).isEqualTo(1);
            for (String index : List.of("request_log_ts", "request_log_uid", "request_log_key_ts", "request_log_user_ts",
                    "request_log_prompt", "request_log_trace", "spans_start", "spans_user", "bodies_ts", "bodies_user")) {
                assertThat(count(c, "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = '" + index + "'")).as(index).isEqualTo(1);
            }
            // the writers still insert (the id sequence survived), and a record written twice is stored once
            c.setAutoCommit(false);
            RequestRecord fresh = row(today + 5000, "gpt-4o", 200);
            new RequestLogSink().insert(c, List.of(fresh));
            new RequestLogSink().insert(c, List.of(fresh));
            c.commit();
            assertThat(count(c, "SELECT COUNT(*) FROM request_log")).isEqualTo(4);
            assertThat(count(c, "SELECT MAX(id) FROM request_log")).isGreaterThan(3);
        }
    }

    @Test
    @DisplayName("EXPLAIN: a time range reads only its days' partitions; search, trace, session and body lookups use indexes")
    void explainPlans() throws Exception {
        String url = Services.postgres();
        long today = today();
        try (Database db = Database.openPostgres(url); Connection c = db.connect()) {
            c.setAutoCommit(false);
            List<RequestRecord> rows = new ArrayList<>();
            for (int d = 0; d < 5; d++) {
                for (int i = 0; i < 200; i++) {
                    rows.add(row(today - d * DAY + i * 1000L, i % 2 == 0 ? "gpt-4o" : "mini", i % 10 == 0 ? 502 : 200));
                }
            }
            new RequestLogSink().insert(c, rows);
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE request_log");
                s.execute("ANALYZE spans");
                s.execute("ANALYZE bodies");
            }
            long from = today - DAY + 3_600_000;
            // the stats scan over a range: only the days it covers
            String stats = explain(c, "SELECT ts, model, latency_ms FROM request_log WHERE ts >= ? AND ts < ?", from, today + DAY);
            assertThat(stats).contains(partition("request_log", today), partition("request_log", today - DAY))
                    .doesNotContain(partition("request_log", today - 2 * DAY), partition("request_log", today - 4 * DAY),
                            "request_log_default");
            // the requests page: filtered, newest first, from a time
            String search = explain(c, "SELECT id FROM request_log WHERE ts >= ? AND model = ? AND status >= 400 AND id <= ?"
                    + " ORDER BY id DESC LIMIT 51", from, "gpt-4o", Long.MAX_VALUE);
            assertThat(search).doesNotContain(partition("request_log", today - 2 * DAY));
            // with sequential scans off, a plan that still reads a table whole means no index serves the query
            // (on tables this small the planner would rightly read them whole)
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
            }
            assertThat(search).as(search).containsPattern("Index");
            for (String[] q : new String[][] {
                    {"SELECT * FROM request_log WHERE ts >= ? AND ts < ?", null},
                    {"SELECT * FROM request_log WHERE key_id = ? AND ts >= ?", "key"},
                    {"SELECT * FROM request_log WHERE end_user = ? AND ts >= ?", "user"},
                    {"SELECT * FROM request_log WHERE trace_id = ?", "trace"},
                    {"SELECT * FROM request_log WHERE request_id = ?", "id"},
                    {"SELECT * FROM spans WHERE trace_id = ?", "trace"},
                    {"SELECT * FROM spans WHERE start_ns >= ?", "start"},
                    {"SELECT * FROM bodies WHERE request_id = ?", "id"}}) {
                Object[] args = q[1] == null ? new Object[] {from, today} : q[0].contains("ts >=") ? new Object[] {"x", from}
                        : q[1].equals("start") ? new Object[] {from * 1_000_000} : new Object[] {"x"};
                String plan = explain(c, q[0], args);
                assertThat(plan).as(q[0] + "\n" + plan).doesNotContain("Seq Scan").containsPattern("Index");
            }
            c.rollback();
        }
    }

    @Test
    @DisplayName("retention drops whole expired days, deletes the rest of the cutoff's day row by row, and creates days ahead")
    void retentionDropsPartitions() throws Exception {
        String url = Services.postgres();
        long today = today();
        try (Database db = Database.openPostgres(url); Connection c = db.connect()) {
            try (Statement s = c.createStatement()) { // days from before the gateway ran
                for (int d = 2; d <= 12; d++) {
                    s.execute("SELECT sluice_partition_day('request_log', CAST('"
                            + LocalDate.ofInstant(Instant.ofEpochMilli(today - d * DAY), ZoneOffset.UTC) + "' AS DATE), false)");
                }
            }
            c.setAutoCommit(false);
            List<RequestRecord> rows = new ArrayList<>();
            for (int d = 0; d <= 12; d++) {
                rows.add(row(today - d * DAY + 1000, "m", 200));
                rows.add(row(today - d * DAY + 13 * 3_600_000L, "m", 200));
            }
            new RequestLogSink().insert(c, rows);
            c.commit();
            c.setAutoCommit(true);
            // the cutoff falls at 12:00 UTC ten days ago: older days go whole; that day keeps its 13:00 row
            long now = today + 12 * 3_600_000L;
            RetentionConfig config = new RetentionConfig(Duration.ofDays(10), null, null, null, null, Duration.ofHours(1));
            Retention retention = new Retention(db, config, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), false);
            retention.runOnce();
            List<String> left = Partitions.list(db, "request_log");
            assertThat(left).doesNotContain(partition("request_log", today - 11 * DAY), partition("request_log", today - 12 * DAY))
                    .contains(partition("request_log", today - 10 * DAY), partition("request_log", today + 7 * DAY));
            assertThat(count(c, "SELECT COUNT(*) FROM " + partition("request_log", today - 10 * DAY))).isEqualTo(1);
            assertThat(count(c, "SELECT COUNT(*) FROM request_log")).isEqualTo(2 * 10 + 1);
            // the rollups keep the history the raw rows no longer have
            assertThat(count(c, "SELECT SUM(requests) FROM rollup_hour")).isEqualTo(26);
        }
    }
}
