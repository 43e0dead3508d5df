package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Searches the request log for the analytics API, on the store's read connection. Pages go newest
 * first by row id ({@code before} = the previous page's {@code nextCursor}); a tail query
 * ({@code after} = an earlier {@code tailCursor}) returns only rows written since, oldest first.
 */
public final class RequestSearch {
    private static final String COLUMNS = "id, ts, request_id, key_id, end_user, operation, model, provider,"
            + " upstream_model, stream, status, error_type, tokens_in, tokens_out, ttft_ms, latency_ms, attempts,"
            + " fallback_model, route_reason, attempt_log, team, cost_usd, cache_status, cache_similarity,"
            + " saved_tokens_in, saved_tokens_out, trace_id, session_id, tags, guardrails,"
            + " prompt, prompt_version, experiment, variant, experiment_window";

    private final Database database;

    public RequestSearch(Database database) {
        this.database = database;
    }

    /**
     * The page query: the filters, rows up to the newest id when the search began ({@code id <= ?}), then a keyset
     * on id ({@code id < before} going back, {@code id > after} for a tail), at most {@code limit + 1} rows.
     * Parameters: the filters', the newest id, the cursor (when given), the limit.
     */
    static String sql(RequestQuery.Where where, boolean before, boolean after) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM request_log")
                .append(where.sql()).append(" AND id <= ?");
        if (after) {
            sql.append(" AND id > ? ORDER BY id ASC LIMIT ?");
        } else if (before) {
            sql.append(" AND id < ? ORDER BY id DESC LIMIT ?");
        } else {
            sql.append(" ORDER BY id DESC LIMIT ?");
        }
        return sql.toString();
    }

    /**
     * @param nextCursor older rows follow: pass as {@code before}; null when this was the last page
     * @param tailCursor pass as {@code after} to get only rows written after this answer
     */
    public record Page(List<RequestRecord> rows, Long nextCursor, long tailCursor) {}

    /**
     * @param before only rows older than this cursor (null = from the newest)
     * @param after  only rows newer than this cursor, oldest first (null = not a tail query)
     */
    public Page search(RequestQuery query, int limit, Long before, Long after) {
        RequestQuery.Where where = query.where(database.dialect());
        return database.read(c -> {
            long max;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(id) FROM request_log")) {
                rs.next();
                max = rs.getLong(1);
            }
            List<RequestRecord> rows = new ArrayList<>();
            long lastId = -1;
            long firstId = -1;
            try (PreparedStatement ps = c.prepareStatement(sql(where, before != null, after != null))) {
                int i = where.bind(ps, 1);
                ps.setLong(i++, max);
                if (after != null) {
                    ps.setLong(i++, after);
                } else if (before != null) {
                    ps.setLong(i++, before);
                }
                ps.setInt(i, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && rows.size() <= limit) {
                        if (rows.size() == limit) {
                            rows.add(null); // marks "there is more"
                            break;
                        }
                        long id = rs.getLong("id");
                        if (firstId < 0) {
                            firstId = id;
                        }
                        lastId = id;
                        rows.add(RequestLogReader.map(rs));
                    }
                }
            }
            boolean more = !rows.isEmpty() && rows.getLast() == null;
            if (more) {
                rows.removeLast();
            }
            if (after != null) {
                // a tail query: continue after the last row returned, or at the end when all were returned
                long tail = more ? lastId : Math.max(after, max);
                return new Page(rows, null, tail);
            }
            return new Page(rows, more ? lastId : null, max);
        });
    }
}
