package dev.sluice.prompts.rollout;

import dev.sluice.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL for experiments (migration V21). Two mechanisms make one row safe to share between gateway
 * instances:
 * <ul>
 *   <li>optimistic writes: every state write names the revision it read and bumps it, so a pause
 *       sent to one instance is never overwritten by another instance's step evaluation that
 *       read the row before it;</li>
 *   <li>a lease: the instance that drives a canary's steps holds {@code lease_owner} until
 *       {@code lease_until}, renewing it at every tick; another instance takes over only after
 *       it has expired (the holder died or lost the store). A single conditional UPDATE takes
 *       or renews it, so two instances can never both hold it.</li>
 * </ul>
 */
public final class ExperimentStore {
    private static final String COLUMNS = "id, kind, subject, status, definition, state, revision, lease_owner,"
            + " lease_until, created_at, created_by, updated_at";
    private static final String ACTIVE = "('running', 'paused')";
    private final Database database;

    public ExperimentStore(Database database) {
        this.database = database;
    }

    public void insert(ExperimentRow r) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO experiments (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.id());
                ps.setString(2, r.kind());
                ps.setString(3, r.subject());
                ps.setString(4, r.status());
                ps.setString(5, r.definition());
                ps.setString(6, r.state());
                ps.setLong(7, r.revision());
                ps.setString(8, r.leaseOwner());
                if (r.leaseUntil() == null) {
                    ps.setNull(9, Types.BIGINT);
                } else {
                    ps.setLong(9, r.leaseUntil());
                }
                ps.setLong(10, r.createdAt());
                ps.setString(11, r.createdBy());
                ps.setLong(12, r.updatedAt());
                return ps.executeUpdate();
            }
        });
    }

    public Optional<ExperimentRow> find(String id) {
        List<ExperimentRow> rows = query("WHERE id = ?", List.of(id), 1);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Running or paused experiments of one kind (null = any), oldest first. */
    public List<ExperimentRow> active(String kind) {
        return kind == null ? query("WHERE status IN " + ACTIVE, List.of(), 1_000)
                : query("WHERE status IN " + ACTIVE + " AND kind = ?", List.of(kind), 1_000);
    }

    /** Running or paused experiments on one subject ({@code prompt:NAME} / {@code model:NAME}). */
    public List<ExperimentRow> activeOn(String subject) {
        // a model canary that passed every step stays: it is the model's routing override until it is aborted
        return query("WHERE (status IN " + ACTIVE + " OR (status = 'promoted' AND kind = 'canary' AND subject LIKE 'model:%'))"
                + " AND subject = ?", List.of(subject), 100);
    }

    /** The newest experiments of one kind (null = any). */
    public List<ExperimentRow> recent(String kind, int limit) {
        return kind == null ? query("", List.of(), limit) : query("WHERE kind = ?", List.of(kind), limit);
    }

    /**
     * Writes a new status and state if the row is still at {@code expectedRevision}; the revision
     * goes up by one. False when someone else wrote in between (read again and retry).
     */
    public boolean update(String id, String status, String state, long expectedRevision, long now) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE experiments SET status = ?, state = ?,"
                    + " revision = revision + 1, updated_at = ? WHERE id = ? AND revision = ?")) {
                ps.setString(1, status);
                ps.setString(2, state);
                ps.setLong(3, now);
                ps.setString(4, id);
                ps.setLong(5, expectedRevision);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Takes or renews the lease for {@code owner} until {@code now + ttlMs}; false while another owner holds it. */
    public boolean tryLease(String id, String owner, long now, long ttlMs) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE experiments SET lease_owner = ?, lease_until = ?"
                    + " WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)")) {
                ps.setString(1, owner);
                ps.setLong(2, now + ttlMs);
                ps.setString(3, id);
                ps.setString(4, owner);
                ps.setLong(5, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Gives the lease up (at shutdown), so another instance takes over at once. */
    public void releaseLease(String id, String owner) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE experiments SET lease_owner = NULL, lease_until = NULL"
                    + " WHERE id = ? AND lease_owner = ?")) {
                ps.setString(1, id);
                ps.setString(2, owner);
                return ps.executeUpdate();
            }
        });
    }

    private List<ExperimentRow> query(String where, List<String> args, int limit) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM experiments " + where
                    + " ORDER BY created_at DESC, id LIMIT ?")) {
                int i = 1;
                for (String a : args) {
                    ps.setString(i++, a);
                }
                ps.setInt(i, limit);
                List<ExperimentRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
    }

    private static ExperimentRow row(ResultSet rs) throws SQLException {
        long until = rs.getLong("lease_until");
        Long leaseUntil = rs.wasNull() ? null : until;
        return new ExperimentRow(rs.getString("id"), rs.getString("kind"), rs.getString("subject"), rs.getString("status"),
                rs.getString("definition"), rs.getString("state"), rs.getLong("revision"), rs.getString("lease_owner"),
                leaseUntil, rs.getLong("created_at"), rs.getString("created_by"), rs.getLong("updated_at"));
    }
}
