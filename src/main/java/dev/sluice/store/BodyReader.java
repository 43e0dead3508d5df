package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one captured body back (table {@code bodies}), for the admin API. Bodies are keyed by the
 * gateway's id of their request ({@code uid}); the request id a reader asks for may be a client's
 * {@code x-request-id}, which several teams may have sent, so every read is limited to a team.
 */
public final class BodyReader {
    private static final String COLUMNS = "SELECT request_id, ts, end_user, team, request, response, uid FROM bodies";
    private final Database database;

    public BodyReader(Database database) {
        this.database = database;
    }

    /**
     * The body captured for a request, if there is one the caller may see.
     *
     * @param team only a body of this team (null = any: an organisation-wide reader): bodies captured
     *             before they carried their team count as the team of their request-log row
     */
    public Optional<BodyRecord> find(String requestId, String team) {
        String sql = COLUMNS + " WHERE request_id = ?"
                + (team == null ? "" : " AND (team = ? OR (team IS NULL AND EXISTS (SELECT 1 FROM request_log r"
                        + " WHERE r.request_id = bodies.request_id AND r.team = ?)))")
                // the first body stored for the id
                + " ORDER BY ts LIMIT 1";
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, requestId);
                if (team != null) {
                    ps.setString(2, team);
                    ps.setString(3, team);
                }
                return first(ps);
            }
        });
    }

    /**
     * The teams whose captured bodies carry this client-visible id (at most {@code max}; a body captured
     * before bodies carried their team counts as its request-log row's team, null when that has none):
     * an organisation-wide reader asking for an id that several teams used must say which one it means.
     */
    public List<String> teamsUsing(String requestId, int max) {
        String sql = "SELECT DISTINCT COALESCE(team, (SELECT MAX(r.team) FROM request_log r"
                + " WHERE r.request_id = bodies.request_id)) FROM bodies WHERE request_id = ? LIMIT " + max;
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, requestId);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /**
     * The body of a request of exactly this team ({@code null}: a key without a team, not "any team"),
     * for records that name the request by its client-visible id and its team (review items, feedback).
     */
    public Optional<BodyRecord> findOfTeam(String requestId, String team) {
        String sql = COLUMNS + " WHERE request_id = ? AND " + (team == null ? "team IS NULL" : "team = ?")
                + " ORDER BY ts LIMIT 1";
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, requestId);
                if (team != null) {
                    ps.setString(2, team);
                }
                return first(ps);
            }
        });
    }

    private static Optional<BodyRecord> first(PreparedStatement ps) throws java.sql.SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new BodyRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), rs.getString(7)));
        }
    }
}
