package dev.sluice.store;

import java.sql.PreparedStatement;
import java.util.List;

/** The audit log: appended synchronously by every admin action (they are rare), read back newest first. */
public final class AuditRepository {
    private final Database database;

    public AuditRepository(Database database) {
        this.database = database;
    }

    public void append(AuditEntry e) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (ts, actor, role, action, target, team,"
                    + " before_json, after_json, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, e.ts());
                ps.setString(2, e.actor());
                ps.setString(3, e.role());
                ps.setString(4, e.action());
                ps.setString(5, e.target());
                ps.setString(6, e.team());
                ps.setString(7, e.beforeJson());
                ps.setString(8, e.afterJson());
                ps.setString(9, e.requestId());
                return ps.executeUpdate();
            }
        });
    }

    /** The newest entries, filtered by any of action, actor, team (null = any). */
    public List<AuditEntry> recent(int limit, String action, String actor, String team) {
        return NewestRows.query(database, "SELECT ts, actor, role, action, target, team, before_json, after_json,"
                        + " request_id FROM audit_log",
                List.of(new NewestRows.Eq("action", action), new NewestRows.Eq("actor", actor),
                        new NewestRows.Eq("team", team)),
                limit, rs -> new AuditEntry(rs.getLong("ts"), rs.getString("actor"), rs.getString("role"),
                        rs.getString("action"), rs.getString("target"), rs.getString("team"),
                        rs.getString("before_json"), rs.getString("after_json"), rs.getString("request_id")));
    }
}
