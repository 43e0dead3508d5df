package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for teams. */
public final class TeamRepository {
    private static final String COLUMNS = "id, name, metadata, created_at, " + Columns.QUOTA;
    private final Database database;

    public TeamRepository(Database database) {
        this.database = database;
    }

    /** Inserts a team; false when the id is taken. */
    public boolean insert(TeamRow t) {
        if (find(t.id()).isPresent()) {
            return false;
        }
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO teams (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, t.id());
                ps.setString(2, t.name());
                ps.setString(3, Columns.jsonOrNull(t.metadata()));
                ps.setLong(4, t.createdAt());
                Columns.bindQuota(ps, 5, t.quota());
                return ps.executeUpdate();
            }
        });
        return true;
    }

    public void update(TeamRow t) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE teams SET name = ?, metadata = ?, rpm = ?, tpm = ?,"
                    + " concurrency = ?, daily_budget = ?, monthly_budget = ? WHERE id = ?")) {
                ps.setString(1, t.name());
                ps.setString(2, Columns.jsonOrNull(t.metadata()));
                int next = Columns.bindQuota(ps, 3, t.quota());
                ps.setString(next, t.id());
                return ps.executeUpdate();
            }
        });
    }

    public boolean delete(String id) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM teams WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public Optional<TeamRow> find(String id) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM teams WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    public List<TeamRow> list() {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM teams ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                List<TeamRow> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    private static TeamRow map(ResultSet rs) throws SQLException {
        return new TeamRow(rs.getString("id"), rs.getString("name"), Columns.map(rs.getString("metadata")),
                Columns.quota(rs), rs.getLong("created_at"));
    }
}
