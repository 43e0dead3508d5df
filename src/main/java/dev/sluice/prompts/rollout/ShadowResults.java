package dev.sluice.prompts.rollout;

import dev.sluice.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;

/** The shadow candidates' answers (table {@code shadow_results}) and their summary for the comparison report. */
public final class ShadowResults {
    /** One candidate call made for a production request. */
    public record Result(String experimentId, String requestId, long ts, String candidate, int status, String errorType,
                         long latencyMs, Long tokensIn, Long tokensOut, Double costUsd, Double similarity) {}

    /** A shadow's totals: calls, failures, mean latency and similarity, total cost. */
    public record Summary(long calls, long failures, Double meanLatencyMs, Double meanSimilarity, double costUsd) {}

    private final Database database;

    public ShadowResults(Database database) {
        this.database = database;
    }

    public void insert(Result r) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shadow_results (experiment_id, request_id, ts,"
                    + " candidate, status, error_type, latency_ms, tokens_in, tokens_out, cost_usd, similarity)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.experimentId());
                ps.setString(2, r.requestId());
                ps.setLong(3, r.ts());
                ps.setString(4, r.candidate());
                ps.setInt(5, r.status());
                ps.setString(6, r.errorType());
                ps.setLong(7, r.latencyMs());
                setNullable(ps, 8, r.tokensIn(), Types.BIGINT);
                setNullable(ps, 9, r.tokensOut(), Types.BIGINT);
                setNullable(ps, 10, r.costUsd(), Types.DOUBLE);
                setNullable(ps, 11, r.similarity(), Types.DOUBLE);
                return ps.executeUpdate();
            }
        });
    }

    public Summary summary(String experimentId) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN error_type IS NULL THEN 0 ELSE 1 END),"
                    + " AVG(latency_ms), AVG(similarity), SUM(cost_usd) FROM shadow_results WHERE experiment_id = ?")) {
                ps.setString(1, experimentId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    double latency = rs.getDouble(3);
                    Double meanLatency = rs.wasNull() ? null : latency;
                    double similarity = rs.getDouble(4);
                    Double meanSimilarity = rs.wasNull() ? null : similarity;
                    return new Summary(rs.getLong(1), rs.getLong(2), meanLatency, meanSimilarity, rs.getDouble(5));
                }
            }
        });
    }

    private static void setNullable(PreparedStatement ps, int index, Object value, int sqlType) throws java.sql.SQLException {
        if (value == null) {
            ps.setNull(index, sqlType);
        } else {
            ps.setObject(index, value, sqlType);
        }
    }
}
