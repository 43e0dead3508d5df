package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes captured bodies, keyed by the gateway's id of the request ({@code uid}); a body already
 * stored (replayed from a spill file) is skipped. Two requests with the same client-chosen
 * {@code x-request-id} (two teams, say) each keep their own body.
 */
public final class BodySink implements BatchWriter.Sink<BodyRecord> {
    private static final String INSERT = "INSERT INTO bodies (request_id, ts, end_user, team, request, response, uid)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

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
                ps.setString(7, b.uid());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
