package dev.sluice.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.api.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for virtual keys. */
public final class KeyRepository {
    private static final String COLUMNS = "id, name, secret_hash, secret_hint, team, allowed_models, metadata,"
            + " created_at, expires_at, revoked_at, scopes";
    private final Database database;

    public KeyRepository(Database database) {
        this.database = database;
    }

    public void insert(KeyRow k) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, k.id());
                ps.setString(2, k.name());
                ps.setString(3, k.secretHash());
                ps.setString(4, k.secretHint());
                ps.setString(5, k.team());
                ps.setString(6, k.allowedModels().isEmpty() ? null : Json.string(k.allowedModels()));
                ps.setString(7, k.metadata().isEmpty() ? null : Json.string(k.metadata()));
                ps.setLong(8, k.createdAt());
                if (k.expiresAt() == null) {
                    ps.setNull(9, Types.INTEGER);
                } else {
                    ps.setLong(9, k.expiresAt());
                }
                ps.setNull(10, Types.INTEGER);
                ps.setString(11, k.scopes().isEmpty() ? null : Json.string(k.scopes()));
                return ps.executeUpdate();
            }
        });
    }

    public Optional<KeyRow> findByHash(String secretHash) {
        return queryOne("SELECT " + COLUMNS + " FROM api_keys WHERE secret_hash = ?", secretHash);
    }

    public Optional<KeyRow> findById(String id) {
        return queryOne("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", id);
    }

    public List<KeyRow> list() {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                List<KeyRow> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
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

    private Optional<KeyRow> queryOne(String sql, String arg) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    private static KeyRow map(ResultSet rs) throws SQLException {
        long expires = rs.getLong("expires_at");
        boolean noExpiry = rs.wasNull();
        long revoked = rs.getLong("revoked_at");
        boolean notRevoked = rs.wasNull();
        return new KeyRow(rs.getString("id"), rs.getString("name"), rs.getString("secret_hash"),
                rs.getString("secret_hint"), rs.getString("team"), readList(rs.getString("allowed_models")),
                readList(rs.getString("scopes")), readMap(rs.getString("metadata")), rs.getLong("created_at"), noExpiry ? null : expires,
                notRevoked ? null : revoked);
    }

    private static List<String> readList(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("corrupt list column: " + json, e);
        }
    }

    private static Map<String, String> readMap(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("corrupt metadata column: " + json, e);
        }
    }
}
