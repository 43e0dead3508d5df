package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for virtual keys. */
public final class KeyRepository {
    private static final String COLUMNS = "id, name, secret_hash, secret_hint, team, allowed_models, metadata,"
            + " created_at, expires_at, revoked_at, scopes, previous_hash, previous_valid_until, " + Columns.QUOTA;
    private final Database database;

    public KeyRepository(Database database) {
        this.database = database;
    }

    public void insert(KeyRow k) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, k.id());
                ps.setString(2, k.name());
                ps.setString(3, k.secretHash());
                ps.setString(4, k.secretHint());
                ps.setString(5, k.team());
                ps.setString(6, Columns.jsonOrNull(k.allowedModels()));
                ps.setString(7, Columns.jsonOrNull(k.metadata()));
                ps.setLong(8, k.createdAt());
                Columns.setLong(ps, 9, k.expiresAt());
                Columns.setLong(ps, 10, k.revokedAt());
                ps.setString(11, Columns.jsonOrNull(k.scopes()));
                ps.setString(12, k.previousHash());
                Columns.setLong(ps, 13, k.previousValidUntil());
                Columns.bindQuota(ps, 14, k.quota());
                return ps.executeUpdate();
            }
        });
    }

    /** Writes a key's editable fields (name, models, metadata, expiry, quota, secrets after a rotation). */
    public void update(KeyRow k) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET name = ?, allowed_models = ?, metadata = ?,"
                    + " expires_at = ?, scopes = ?, secret_hash = ?, secret_hint = ?, previous_hash = ?,"
                    + " previous_valid_until = ?, rpm = ?, tpm = ?, concurrency = ?, daily_budget = ?, monthly_budget = ?"
                    + " WHERE id = ?")) {
                ps.setString(1, k.name());
                ps.setString(2, Columns.jsonOrNull(k.allowedModels()));
                ps.setString(3, Columns.jsonOrNull(k.metadata()));
                Columns.setLong(ps, 4, k.expiresAt());
                ps.setString(5, Columns.jsonOrNull(k.scopes()));
                ps.setString(6, k.secretHash());
                ps.setString(7, k.secretHint());
                ps.setString(8, k.previousHash());
                Columns.setLong(ps, 9, k.previousValidUntil());
                int next = Columns.bindQuota(ps, 10, k.quota());
                ps.setString(next, k.id());
                return ps.executeUpdate();
            }
        });
    }

    /** The key whose current secret, or previous secret during a rotation grace, has this hash. */
    public Optional<KeyRow> findByHash(String secretHash) {
        return queryOne("SELECT " + COLUMNS + " FROM api_keys WHERE secret_hash = ? OR previous_hash = ?", secretHash,
                secretHash);
    }

    public Optional<KeyRow> findById(String id) {
        return queryOne("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", id);
    }

    /** Every key, or only one team's when {@code team} is not null. */
    public List<KeyRow> list(String team) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys"
                    + (team == null ? "" : " WHERE team = ?") + " ORDER BY created_at, id")) {
                if (team != null) {
                    ps.setString(1, team);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<KeyRow> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** How many active (not revoked) keys a team has. */
    public int countActive(String team) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM api_keys WHERE team = ? AND revoked_at IS NULL")) {
                ps.setString(1, team);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Marks a key revoked; returns false when there is no such key or it was already revoked. */
    public boolean revoke(String id, long atMillis) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setLong(1, atMillis);
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private Optional<KeyRow> queryOne(String sql, String... args) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setString(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    private static KeyRow map(ResultSet rs) throws SQLException {
        return new KeyRow(rs.getString("id"), rs.getString("name"), rs.getString("secret_hash"),
                rs.getString("secret_hint"), rs.getString("team"), Columns.list(rs.getString("allowed_models")),
                Columns.list(rs.getString("scopes")), Columns.map(rs.getString("metadata")), rs.getLong("created_at"),
                Columns.bigint(rs, "expires_at"), Columns.bigint(rs, "revoked_at"), rs.getString("previous_hash"),
                Columns.bigint(rs, "previous_valid_until"), Columns.quota(rs));
    }
}
