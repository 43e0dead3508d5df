package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Reads the request log back, newest first, for the admin API. */
public final class RequestLogReader {
    private final Database database;

    public RequestLogReader(Database database) {
        this.database = database;
    }

    /** The newest {@code limit} records, optionally only those with one request id, key or team. */
    public List<RequestRecord> recent(int limit, String requestId, String keyId, String team) {
        return NewestRows.query(database, "SELECT ts, request_id, key_id, end_user, operation, model, provider,"
                + " upstream_model, stream, status, error_type, tokens_in, tokens_out, ttft_ms, latency_ms, attempts,"
                + " fallback_model, route_reason, attempt_log, team, cost_usd,"
                + " cache_status, cache_similarity, saved_tokens_in, saved_tokens_out, trace_id, session_id, tags, guardrails,"
                + " prompt, prompt_version, experiment, variant, experiment_window FROM request_log",
                List.of(new NewestRows.Eq("request_id", requestId), new NewestRows.Eq("key_id", keyId),
                        new NewestRows.Eq("team", team)),
                limit, RequestLogReader::map);
    }

    /**
     * What each key, team or end user spent since a time (USD), from the log: the spend counters
     * of a single instance start from this after a restart.
     *
     * @param column key_id, team or end_user
     */
    public java.util.Map<String, Double> spendSince(String column, long sinceMillis) {
        if (!java.util.Set.of("key_id", "team", "end_user").contains(column)) {
            throw new IllegalArgumentException("not a spend column: " + column);
        }
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + column + ", SUM(cost_usd) FROM request_log"
                    + " WHERE ts >= ? AND " + column + " IS NOT NULL AND cost_usd IS NOT NULL GROUP BY " + column)) {
                ps.setLong(1, sinceMillis);
                java.util.Map<String, Double> out = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getDouble(2));
                    }
                }
                return out;
            }
        });
    }

    public long count() {
        return database.withConnection(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM request_log")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static RequestRecord map(ResultSet rs) throws SQLException {
        long ttft = rs.getLong("ttft_ms");
        boolean ttftNull = rs.wasNull();
        return new RequestRecord(rs.getLong("ts"), rs.getString("request_id"), rs.getString("key_id"),
                rs.getString("team"), rs.getString("end_user"), rs.getString("operation"), rs.getString("model"), rs.getString("provider"),
                rs.getString("upstream_model"), rs.getInt("stream") == 1, rs.getInt("status"),
                rs.getString("error_type"), Columns.integer(rs, "tokens_in"), Columns.integer(rs, "tokens_out"),
                ttftNull ? -1 : ttft, rs.getLong("latency_ms"), rs.getInt("attempts"), rs.getString("fallback_model"),
                rs.getString("route_reason"), rs.getString("attempt_log"), Columns.decimal(rs, "cost_usd"),
                rs.getString("cache_status"), Columns.decimal(rs, "cache_similarity"), Columns.integer(rs, "saved_tokens_in"),
                Columns.integer(rs, "saved_tokens_out"), rs.getString("trace_id"), rs.getString("session_id"),
                rs.getString("tags"), rs.getString("guardrails"),
                rs.getString("prompt"), Columns.integer(rs, "prompt_version"), rs.getString("experiment"),
                rs.getString("variant"), Columns.bigint(rs, "experiment_window"));
    }

}
