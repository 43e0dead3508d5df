package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for admin API keys. */
public final class AdminKeyRepository {
    private static final String COLUMNS = "id, name, secret_hash, secret_hint, role, team, created_at, revoked_at";
    private final Database database;

    public AdminKeyRepository(Database database) {
        this.database = database;
    }

    public void insert(AdminKeyRow k) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO admin_keys (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, k.id());
                ps.setString(2, k.name());
                ps.setString(3, k.secretHash());
                ps.setString(4, k.secretHint());
                ps.setString(5, k.role());
                ps.setString(6, k.team());
                ps.setLong(7, k.createdAt());
                Columns.setLong(ps, 8, k.revokedAt());
                return ps.executeUpdate();
            }
        });
    }

    public Optional<AdminKeyRow> findByHash(String hash) {
        return one("secret_hash", hash);
    }

    public Optional<AdminKeyRow> findById(String id) {
        return one("id", id);
    }

    public List<AdminKeyRow> list() {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM admin_keys ORDER BY created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                List<AdminKeyRow> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    public boolean revoke(String id, long atMillis) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE admin_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setLong(1, atMillis);
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private Optional<AdminKeyRow> one(String column, String value) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM admin_keys WHERE " + column + " = ?")) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    private static AdminKeyRow map(ResultSet rs) throws SQLException {
        return new AdminKeyRow(rs.getString("id"), rs.getString("name"), rs.getString("secret_hash"),
                rs.getString("secret_hint"), rs.getString("role"), rs.getString("team"), rs.getLong("created_at"),
                Columns.bigint(rs, "revoked_at"));
    }
}
