package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Aggregates feedback over a time range, grouped by model, key, team, user or feedback name:
 * counts, the positive and negative shares of thumbs and boolean feedback, and the mean of
 * numeric scores. Its own class so the analytics API can reuse it.
 */
public final class FeedbackSummary {
    /** The groupings callers may ask for, and the column each reads. */
    public static final Map<String, String> GROUPS = Map.of("model", "model", "key", "key_id", "team", "team",
            "user", "end_user", "name", "name");

    /**
     * One group and feedback name.
     *
     * @param rated    thumbs and boolean feedback (the base of the rates)
     * @param positive thumbs up / true
     * @param negative thumbs down / false
     * @param scored   numeric scores; {@code mean} is their mean (null when none)
     */
    public record Row(String group, String name, long count, long rated, long positive, long negative, long scored,
                      Double mean) {
        public Double positiveRate() {
            return rated == 0 ? null : (double) positive / rated;
        }

        public Double negativeRate() {
            return rated == 0 ? null : (double) negative / rated;
        }
    }

    private final Database database;

    public FeedbackSummary(Database database) {
        this.database = database;
    }

    /**
     * @param groupBy a key of {@link #GROUPS}
     * @param from    epoch millis, inclusive
     * @param to      epoch millis, exclusive
     * @param team    only this team's feedback, or null for all
     */
    public List<Row> summarize(String groupBy, long from, long to, String team) {
        String column = GROUPS.get(groupBy);
        if (column == null) {
            throw new IllegalArgumentException("unknown grouping " + groupBy);
        }
        String sql = "SELECT " + column + " AS grp, name, COUNT(*),"
                + " SUM(CASE WHEN kind IN ('thumbs', 'boolean') THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN sentiment = 'positive' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN sentiment = 'negative' THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN kind = 'number' THEN 1 ELSE 0 END),"
                + " AVG(CASE WHEN kind = 'number' THEN value_num END)"
                + " FROM feedback WHERE ts >= ? AND ts < ?" + (team != null ? " AND team = ?" : "")
                + " GROUP BY " + column + ", name ORDER BY COUNT(*) DESC, grp, name";
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, from);
                ps.setLong(2, to);
                if (team != null) {
                    ps.setString(3, team);
                }
                List<Row> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double mean = rs.getDouble(8);
                        Double meanOrNull = rs.wasNull() ? null : mean;
                        out.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                rs.getLong(6), rs.getLong(7), meanOrNull));
                    }
                }
                return out;
            }
        });
    }
}
