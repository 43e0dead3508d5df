package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** Reads one captured body back (table {@code bodies}), for the admin API. */
public final class BodyReader {
    private final Database database;

    public BodyReader(Database database) {
        this.database = database;
    }

    /**
     * The body captured for a request, if there is one the caller may see.
     *
     * @param team only a body of this team (null = any): bodies captured before they carried their
     *             team count as the team of their request-log row
     */
    public Optional<BodyRecord> find(String requestId, String team) {
        String sql = "SELECT request_id, ts, end_user, team, request, response FROM bodies WHERE request_id = ?"
                + (team == null ? "" : " AND (team = ? OR (team IS NULL AND EXISTS (SELECT 1 FROM request_log r"
                        + " WHERE r.request_id = bodies.request_id AND r.team = ?)))")
                // the first body stored for the id (PostgreSQL's day-partitioned table keys bodies by id and day)
                + " ORDER BY ts LIMIT 1";
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, requestId);
                if (team != null) {
                    ps.setString(2, team);
                    ps.setString(3, team);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new BodyRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        });
    }
}
