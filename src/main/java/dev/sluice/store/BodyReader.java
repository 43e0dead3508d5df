package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** Reads a captured request/response pair back (already redacted when it was stored). */
public final class BodyReader {
    private final Database database;

    public BodyReader(Database database) {
        this.database = database;
    }

    /** The captured bodies of one request, or empty when capture was off for it (or they expired). */
    public Optional<BodyRecord> find(String requestId) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT request_id, ts, end_user, request, response FROM bodies WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new BodyRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
        });
    }
}
