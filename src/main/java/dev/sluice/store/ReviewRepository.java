package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and labels the review queue (table {@code review_items}); {@link ReviewSink} fills it. */
public final class ReviewRepository {
    /** Filters of the admin list; null fields do not filter. */
    public record Query(String status, String team, String model, int limit) {}

    private static final String COLUMNS = "i.id, i.ts, i.request_id, i.trace_id, i.key_id, i.team, i.model, COALESCE(i.prompt, ("
            + promptOf("i.request_id", "i.team") + ")), i.reason, i.score, i.status, i.label, i.comment, i.labelled_by,"
            + " i.labelled_at FROM review_items i";

    private final Database database;

    public ReviewRepository(Database database) {
        this.database = database;
    }

    /**
     * The request log's {@code name@version} of the stored prompt a request used (null without one):
     * a scalar subquery over the request's id and team ({@code ""} for none), each an SQL expression.
     */
    static String promptOf(String requestId, String team) {
        return "SELECT r.prompt || COALESCE('@' || r.prompt_version, '') FROM request_log r WHERE r.request_id = "
                + requestId + " AND COALESCE(r.team, '') = " + team + " AND r.prompt IS NOT NULL ORDER BY r.id LIMIT 1";
    }

    /** The newest items matching the query. */
    public List<ReviewItem> list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " WHERE 1=1");
        List<String> args = new ArrayList<>();
        for (String[] f : new String[][] {{"i.status", q.status()}, {"i.team", q.team()}, {"i.model", q.model()}}) {
            if (f[1] != null) {
                sql.append(" AND ").append(f[0]).append(" = ?");
                args.add(f[1]);
            }
        }
        sql.append(" ORDER BY i.ts DESC, i.id DESC LIMIT ?");
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String a : args) {
                    ps.setString(i++, a);
                }
                ps.setInt(i, q.limit());
                try (ResultSet rs = ps.executeQuery()) {
                    List<ReviewItem> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(item(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** The item with this id, if it belongs to {@code team} (null: any team). */
    public Optional<ReviewItem> find(String id, String team) {
        String sql = "SELECT " + COLUMNS + " WHERE i.id = ?" + (team == null ? "" : " AND i.team = ?");
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, id);
                if (team != null) {
                    ps.setString(2, team);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(item(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Labels the item (again, when it was already labelled); false when there is no such item. */
    public boolean label(String id, String label, String comment, String labelledBy, long at) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE review_items SET status = ?, label = ?, comment = ?,"
                    + " labelled_by = ?, labelled_at = ? WHERE id = ?")) {
                ps.setString(1, ReviewItem.LABELLED);
                ps.setString(2, label);
                if (comment == null) {
                    ps.setNull(3, Types.VARCHAR);
                } else {
                    ps.setString(3, comment);
                }
                ps.setString(4, labelledBy);
                ps.setLong(5, at);
                ps.setString(6, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static ReviewItem item(ResultSet rs) throws SQLException {
        double score = rs.getDouble(10);
        Double scoreOrNull = rs.wasNull() ? null : score;
        long at = rs.getLong(15);
        Long atOrNull = rs.wasNull() ? null : at;
        return new ReviewItem(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), scoreOrNull, rs.getString(11),
                rs.getString(12), rs.getString(13), rs.getString(14), atOrNull);
    }
}
