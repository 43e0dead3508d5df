package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads feedback back, and finds the request a piece of feedback is about. */
public final class FeedbackReader {
    /** What feedback needs to know about the rated request. */
    public record Rated(String requestId, String traceId, String keyId, String team, String model, String endUser) {}

    /** Filters of the admin list; null fields do not filter. */
    public record Query(String requestId, String traceId, String name, String keyId, String team, String user,
                        Long from, Long to, int limit) {}

    private final Database database;

    public FeedbackReader(Database database) {
        this.database = database;
    }

    /**
     * The logged request with this id, or, when {@code byTrace}, the first logged request of this
     * trace, among the requests of {@code team} (when not null), else of {@code keyId} (when not
     * null), else among all. Clients may choose their request ids, so the same id can belong to
     * requests of several teams: each team finds its own.
     */
    public Optional<Rated> request(String id, boolean byTrace, String team, String keyId) {
        String owner = team != null ? " AND team = ?" : keyId != null ? " AND key_id = ?" : "";
        String sql = "SELECT request_id, trace_id, key_id, team, model, end_user FROM request_log WHERE "
                + (byTrace ? "trace_id" : "request_id") + " = ?" + owner + " ORDER BY id LIMIT 1";
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, id);
                if (!owner.isEmpty()) {
                    ps.setString(2, team != null ? team : keyId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Rated(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        });
    }

    /** The newest feedback matching the query. */
    public List<FeedbackRecord> list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT id, ts, request_id, trace_id, key_id, team, model, name, kind,"
                + " value_num, value_text, sentiment, comment, end_user, rated_by FROM feedback WHERE 1=1");
        List<Object> args = new ArrayList<>();
        filter(sql, args, "request_id", q.requestId());
        filter(sql, args, "trace_id", q.traceId());
        filter(sql, args, "name", q.name());
        filter(sql, args, "key_id", q.keyId());
        filter(sql, args, "team", q.team());
        filter(sql, args, "end_user", q.user());
        if (q.from() != null) {
            sql.append(" AND ts >= ?");
            args.add(q.from());
        }
        if (q.to() != null) {
            sql.append(" AND ts < ?");
            args.add(q.to());
        }
        sql.append(" ORDER BY ts DESC, id DESC LIMIT ?");
        args.add(q.limit());
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, args);
                List<FeedbackRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double num = rs.getDouble(10);
                        Double valueNum = rs.wasNull() ? null : num;
                        out.add(new FeedbackRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                valueNum, rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14),
                                rs.getString(15)));
                    }
                }
                return out;
            }
        });
    }

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        int i = 1;
        for (Object arg : args) {
            if (arg instanceof Long l) {
                ps.setLong(i++, l);
            } else if (arg instanceof Integer n) {
                ps.setInt(i++, n);
            } else {
                ps.setString(i++, (String) arg);
            }
        }
    }
}
