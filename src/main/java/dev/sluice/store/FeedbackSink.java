package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Writes feedback; one replayed from a spill file (same id) is skipped, not duplicated. */
public final class FeedbackSink implements BatchWriter.Sink<FeedbackRecord> {
    private static final String INSERT = "INSERT INTO feedback (id, ts, request_id, trace_id, key_id, team, model, name,"
            + " kind, value_num, value_text, sentiment, comment, end_user, rated_by)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

    @Override
    public void insert(Connection c, List<FeedbackRecord> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (FeedbackRecord f : batch) {
                ps.setString(1, f.id());
                ps.setLong(2, f.ts());
                ps.setString(3, f.requestId());
                ps.setString(4, f.traceId());
                ps.setString(5, f.keyId());
                ps.setString(6, f.team());
                ps.setString(7, f.model());
                ps.setString(8, f.name());
                ps.setString(9, f.kind());
                if (f.valueNum() == null) {
                    ps.setNull(10, Types.DOUBLE);
                } else {
                    ps.setDouble(10, f.valueNum());
                }
                ps.setString(11, f.valueText());
                ps.setString(12, f.sentiment());
                ps.setString(13, f.comment());
                ps.setString(14, f.endUser());
                ps.setString(15, f.ratedBy());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
