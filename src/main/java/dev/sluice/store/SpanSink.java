package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes spans; a span already stored (same trace and span id, e.g. replayed from a spill file or
 * sent twice by a client) is skipped, not duplicated.
 */
public final class SpanSink implements BatchWriter.Sink<SpanRecord> {
    private static final String INSERT = "INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ns,"
            + " end_ns, status, status_message, service, session_id, request_id, end_user, attributes, events, team)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    @Override
    public void insert(Connection c, List<SpanRecord> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (SpanRecord s : batch) {
                ps.setString(1, s.traceId());
                ps.setString(2, s.spanId());
                ps.setString(3, s.parentSpanId());
                ps.setString(4, s.name());
                ps.setString(5, s.kind());
                ps.setLong(6, s.startNanos());
                ps.setLong(7, s.endNanos());
                ps.setString(8, s.status());
                ps.setString(9, s.statusMessage());
                ps.setString(10, s.service());
                ps.setString(11, s.sessionId());
                ps.setString(12, s.requestId());
                ps.setString(13, s.endUser());
                ps.setString(14, s.attributes());
                ps.setString(15, s.events());
                ps.setString(16, s.team());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
