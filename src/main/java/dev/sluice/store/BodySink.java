package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Writes captured bodies; a request already stored (replayed from a spill file) is skipped. */
public final class BodySink implements BatchWriter.Sink<BodyRecord> {
    private static final String INSERT = "INSERT INTO bodies (request_id, ts, end_user, team, request, response)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    @Override
    public void insert(Connection c, List<BodyRecord> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (BodyRecord b : batch) {
                ps.setString(1, b.requestId());
                ps.setLong(2, b.timestamp());
                ps.setString(3, b.endUser());
                ps.setString(4, b.team());
                ps.setString(5, b.request());
                ps.setString(6, b.response());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
