package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Queues answers for review. A request already queued (its team and id are unique) is left as it
 * is, labelled or not, as is an item replayed from a spill file. The prompt comes from the request
 * log when its row is already there; otherwise the readers look it up later.
 */
public final class ReviewSink implements BatchWriter.Sink<ReviewItem> {
    private static final String INSERT = "INSERT INTO review_items (id, ts, request_id, trace_id, key_id, team, model,"
            + " reason, score, status, prompt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ("
            + ReviewRepository.promptOf("?", "?") + ")) ON CONFLICT DO NOTHING";

    @Override
    public void insert(Connection c, List<ReviewItem> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (ReviewItem r : batch) {
                ps.setString(1, r.id());
                ps.setLong(2, r.ts());
                ps.setString(3, r.requestId());
                ps.setString(4, r.traceId());
                ps.setString(5, r.keyId());
                ps.setString(6, r.team());
                ps.setString(7, r.model());
                ps.setString(8, r.reason());
                if (r.score() == null) {
                    ps.setNull(9, Types.DOUBLE);
                } else {
                    ps.setDouble(9, r.score());
                }
                ps.setString(10, r.requestId());
                ps.setString(11, r.team());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
