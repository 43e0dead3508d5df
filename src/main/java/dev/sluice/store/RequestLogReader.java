package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the request log back, newest first, for the admin API. */
public final class RequestLogReader {
    private final Database database;

    public RequestLogReader(Database database) {
        this.database = database;
    }

    /** The newest {@code limit} records, optionally only those with one request id or key. */
    public List<RequestRecord> recent(int limit, String requestId, String keyId) {
        StringBuilder sql = new StringBuilder("SELECT ts, request_id, key_id, end_user, operation, model, provider,"
                + " upstream_model, stream, status, error_type, tokens_in, tokens_out, ttft_ms, latency_ms, attempts,"
                + " cache_status, cache_similarity, saved_tokens_in, saved_tokens_out FROM request_log WHERE 1=1");
        List<String> args = new ArrayList<>();
        if (requestId != null) {
            sql.append(" AND request_id = ?");
            args.add(requestId);
        }
        if (keyId != null) {
            sql.append(" AND key_id = ?");
            args.add(keyId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String arg : args) {
                    ps.setString(i++, arg);
                }
                ps.setInt(i, limit);
                List<RequestRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
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

    private static RequestRecord map(ResultSet rs) throws SQLException {
        long ttft = rs.getLong("ttft_ms");
        boolean ttftNull = rs.wasNull();
        return new RequestRecord(rs.getLong("ts"), rs.getString("request_id"), rs.getString("key_id"),
                rs.getString("end_user"), rs.getString("operation"), rs.getString("model"), rs.getString("provider"),
                rs.getString("upstream_model"), rs.getInt("stream") == 1, rs.getInt("status"),
                rs.getString("error_type"), nullableInt(rs, "tokens_in"), nullableInt(rs, "tokens_out"),
                ttftNull ? -1 : ttft, rs.getLong("latency_ms"), rs.getInt("attempts"), rs.getString("cache_status"),
                nullableDouble(rs, "cache_similarity"), nullableInt(rs, "saved_tokens_in"),
                nullableInt(rs, "saved_tokens_out"));
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
