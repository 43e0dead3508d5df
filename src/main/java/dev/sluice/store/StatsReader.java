package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Streams the request-log rows an aggregate needs, on the store's read connection. Percentiles
 * are computed by the caller in Java, so SQLite and PostgreSQL give the same answers.
 */
public final class StatsReader {
    private final Database database;

    public StatsReader(Database database) {
        this.database = database;
    }

    /** One request, reduced to what aggregates use; {@code ttftMs} is -1 when unknown, tokens and cost 0 when unknown. */
    public record Row(long ts, String model, String provider, String keyId, String team, String user, String operation,
                      int status, String errorType, String cacheStatus, String tags, long latencyMs, long ttftMs,
                      long tokensIn, long tokensOut, double cost, String prompt, Integer promptVersion,
                      String experiment, String variant) {}

    @FunctionalInterface
    public interface RowSink {
        /** Takes one row; false stops the scan. */
        boolean accept(Row row);
    }

    /**
     * Feeds every matching row to {@code sink}, in no particular order; returns how many were read.
     *
     * @param withTags whether rows carry their tags (JSON); reading them costs, so only when grouped by a tag
     */
    public long scan(RequestQuery query, boolean withTags, RowSink sink) {
        RequestQuery.Where where = query.where(database.dialect());
        String sql = "SELECT ts, model, provider, key_id, team, end_user, operation, status, error_type, cache_status, "
                + (withTags ? "tags" : "NULL") + ", latency_ms, ttft_ms, tokens_in, tokens_out, cost_usd,"
                + " prompt, prompt_version, experiment, variant FROM request_log"
                + where.sql();
        return database.read(c -> {
            boolean autoCommit = c.getAutoCommit();
            if (database.dialect() == Database.Dialect.POSTGRES) {
                c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(5000);
                where.bind(ps, 1);
                long n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        long ttft = rs.getLong(13);
                        if (rs.wasNull()) {
                            ttft = -1;
                        }
                        Row row = new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9),
                                rs.getString(10), rs.getString(11), rs.getLong(12), ttft, rs.getLong(14), rs.getLong(15),
                                rs.getDouble(16), rs.getString(17), Columns.integer(rs, "prompt_version"),
                                rs.getString(19), rs.getString(20));
                        if (!sink.accept(row)) {
                            break;
                        }
                    }
                }
                return n;
            } finally {
                if (database.dialect() == Database.Dialect.POSTGRES) {
                    c.rollback();
                    c.setAutoCommit(autoCommit);
                }
            }
        });
    }
}
