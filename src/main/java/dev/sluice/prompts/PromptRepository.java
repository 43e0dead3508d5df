package dev.sluice.prompts;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for the prompt registry (tables of migration V20). Version numbers and label moves are
 * assigned inside transactions that lock the prompt's row on PostgreSQL, so gateway instances
 * sharing a store never hand out the same version twice or lose a label move.
 */
public final class PromptRepository {
    private static final String VERSION_COLUMNS = "prompt, version, content, content_hash, message, author, created_at";
    private static final String MOVE_COLUMNS = "id, prompt, label, from_version, to_version, kind, undone, ts, actor, reason";
    private final Database database;

    public PromptRepository(Database database) {
        this.database = database;
    }

    /** Creates the prompt unless it exists; true when it was created. */
    public boolean insertPrompt(String name, String team, String description, long createdAt, String createdBy) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO prompts (name, team, description, created_at,"
                    + " created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                ps.setString(2, team);
                ps.setString(3, description);
                ps.setLong(4, createdAt);
                ps.setString(5, createdBy);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public void updatePrompt(String name, String team, String description) {
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE prompts SET team = ?, description = ? WHERE name = ?")) {
                ps.setString(1, team);
                ps.setString(2, description);
                ps.setString(3, name);
                return ps.executeUpdate();
            }
        });
    }

    public Optional<Prompt> find(String name) {
        List<Prompt> found = prompts("WHERE p.name = ?", name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Every prompt, or those of one team (null = all), by name. */
    public List<Prompt> list(String team) {
        return team == null ? prompts("", null) : prompts("WHERE p.team = ?", team);
    }

    private List<Prompt> prompts(String where, String arg) {
        return database.withConnection(c -> {
            Map<String, Prompt> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT p.name, p.team, p.description, p.created_at,"
                    + " p.created_by, (SELECT MAX(v.version) FROM prompt_versions v WHERE v.prompt = p.name) AS latest"
                    + " FROM prompts p " + where + " ORDER BY p.name")) {
                if (arg != null) {
                    ps.setString(1, arg);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString("name");
                        out.put(name, new Prompt(name, rs.getString("team"), rs.getString("description"),
                                rs.getLong("created_at"), rs.getString("created_by"), rs.getInt("latest"), Map.of()));
                    }
                }
            }
            List<Prompt> prompts = new ArrayList<>(out.size());
            for (Prompt p : out.values()) {
                prompts.add(new Prompt(p.name(), p.team(), p.description(), p.createdAt(), p.createdBy(),
                        p.latestVersion(), labels(c, p.name())));
            }
            return prompts;
        });
    }

    public Map<String, Integer> labels(String prompt) {
        return database.withConnection(c -> labels(c, prompt));
    }

    private static Map<String, Integer> labels(Connection c, String prompt) throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT label, version FROM prompt_labels WHERE prompt = ? ORDER BY label")) {
            ps.setString(1, prompt);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /**
     * Appends a version numbered one above the highest, unless the highest already has this
     * content hash; returns the new version, or empty when the content is unchanged.
     */
    public Optional<PromptVersion> appendVersion(String prompt, PromptContent content, String message, String author,
                                                 long createdAt) {
        String hash = content.hash();
        return database.inTransaction(c -> {
            lockPrompt(c, prompt);
            Optional<PromptVersion> latest = latest(c, prompt);
            if (latest.isPresent() && latest.get().contentHash().equals(hash)) {
                return Optional.empty();
            }
            int next = latest.map(v -> v.version() + 1).orElse(1);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO prompt_versions (" + VERSION_COLUMNS
                    + ", model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, prompt);
                ps.setInt(2, next);
                ps.setString(3, content.canonicalJson());
                ps.setString(4, hash);
                ps.setString(5, message);
                ps.setString(6, author);
                ps.setLong(7, createdAt);
                ps.setString(8, content.model());
                ps.executeUpdate();
            }
            return Optional.of(new PromptVersion(prompt, next, content, hash, message, author, createdAt));
        });
    }

    public Optional<PromptVersion> version(String prompt, int version) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + VERSION_COLUMNS
                    + " FROM prompt_versions WHERE prompt = ? AND version = ?")) {
                ps.setString(1, prompt);
                ps.setInt(2, version);
                return one(ps);
            }
        });
    }

    public Optional<PromptVersion> latest(String prompt) {
        return database.withConnection(c -> latest(c, prompt));
    }

    private static Optional<PromptVersion> latest(Connection c, String prompt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VERSION_COLUMNS
                + " FROM prompt_versions WHERE prompt = ? ORDER BY version DESC LIMIT 1")) {
            ps.setString(1, prompt);
            return one(ps);
        }
    }

    /** Versions newest first, at most {@code limit}. */
    public List<PromptVersion> versions(String prompt, int limit) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + VERSION_COLUMNS
                    + " FROM prompt_versions WHERE prompt = ? ORDER BY version DESC LIMIT ?")) {
                ps.setString(1, prompt);
                ps.setInt(2, limit);
                List<PromptVersion> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(version(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Points the label at {@code toVersion} and records the move, in one transaction; returns the
     * move (its {@code fromVersion} is where the label pointed before, null if it is new).
     */
    public LabelMove moveLabel(String prompt, String label, int toVersion, String actor, String reason, long ts) {
        return database.inTransaction(c -> {
            lockPrompt(c, prompt);
            Integer from = labels(c, prompt).get(label);
            setLabel(c, prompt, label, toVersion, actor, ts);
            return insertMove(c, new LabelMove(0, prompt, label, from, toVersion, LabelMove.MOVE, false, ts, actor, reason));
        });
    }

    /**
     * Reverses the newest move of the label that no rollback has reversed yet: the label goes back
     * to where that move took it from. Empty when there is nothing to go back to (the label was
     * created by its only remaining move).
     */
    public Optional<LabelMove> undoLastMove(String prompt, String label, String actor, String reason, long ts) {
        return database.inTransaction(c -> {
            lockPrompt(c, prompt);
            LabelMove last;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MOVE_COLUMNS + " FROM prompt_label_moves"
                    + " WHERE prompt = ? AND label = ? AND kind = ? AND undone = ? ORDER BY id DESC LIMIT 1")) {
                ps.setString(1, prompt);
                ps.setString(2, label);
                ps.setString(3, LabelMove.MOVE);
                ps.setBoolean(4, false);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    last = move(rs);
                }
            }
            if (last.fromVersion() == null) {
                return Optional.empty();
            }
            Integer current = labels(c, prompt).get(label);
            try (PreparedStatement ps = c.prepareStatement("UPDATE prompt_label_moves SET undone = ? WHERE id = ?")) {
                ps.setBoolean(1, true);
                ps.setLong(2, last.id());
                ps.executeUpdate();
            }
            setLabel(c, prompt, label, last.fromVersion(), actor, ts);
            return Optional.of(insertMove(c, new LabelMove(0, prompt, label, current, last.fromVersion(),
                    LabelMove.ROLLBACK, false, ts, actor, reason)));
        });
    }

    /** Label moves newest first, of one label or all (label null), at most {@code limit}. */
    public List<LabelMove> moves(String prompt, String label, int limit) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MOVE_COLUMNS + " FROM prompt_label_moves"
                    + " WHERE prompt = ?" + (label == null ? "" : " AND label = ?") + " ORDER BY id DESC LIMIT ?")) {
                int i = 1;
                ps.setString(i++, prompt);
                if (label != null) {
                    ps.setString(i++, label);
                }
                ps.setInt(i, limit);
                List<LabelMove> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(move(rs));
                    }
                }
                return out;
            }
        });
    }

    private static void setLabel(Connection c, String prompt, String label, int version, String actor, long ts)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO prompt_labels (prompt, label, version, updated_at,"
                + " updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (prompt, label) DO UPDATE SET version = excluded.version,"
                + " updated_at = excluded.updated_at, updated_by = excluded.updated_by")) {
            ps.setString(1, prompt);
            ps.setString(2, label);
            ps.setInt(3, version);
            ps.setLong(4, ts);
            ps.setString(5, actor);
            ps.executeUpdate();
        }
    }

    private static LabelMove insertMove(Connection c, LabelMove m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO prompt_label_moves (prompt, label, from_version,"
                + " to_version, kind, undone, ts, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, m.prompt());
            ps.setString(2, m.label());
            if (m.fromVersion() == null) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setInt(3, m.fromVersion());
            }
            ps.setInt(4, m.toVersion());
            ps.setString(5, m.kind());
            ps.setBoolean(6, m.undone());
            ps.setLong(7, m.ts());
            ps.setString(8, m.actor());
            ps.setString(9, m.reason());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new LabelMove(rs.getLong(1), m.prompt(), m.label(), m.fromVersion(), m.toVersion(), m.kind(),
                        m.undone(), m.ts(), m.actor(), m.reason());
            }
        }
    }

    /** Serialises writers of one prompt across instances (PostgreSQL); SQLite has one writer anyway. */
    private void lockPrompt(Connection c, String prompt) throws SQLException {
        String sql = "SELECT name FROM prompts WHERE name = ?"
                + (database.dialect() == Database.Dialect.POSTGRES ? " FOR UPDATE" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, prompt);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw SluiceException.notFound("There is no prompt '" + prompt + "'.");
                }
            }
        }
    }

    private static Optional<PromptVersion> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(version(rs)) : Optional.empty();
        }
    }

    private static PromptVersion version(ResultSet rs) throws SQLException {
        PromptContent content = PromptContent.fromJson(Json.parse(rs.getString("content").getBytes(
                java.nio.charset.StandardCharsets.UTF_8)), "");
        return new PromptVersion(rs.getString("prompt"), rs.getInt("version"), content, rs.getString("content_hash"),
                rs.getString("message"), rs.getString("author"), rs.getLong("created_at"));
    }

    private static LabelMove move(ResultSet rs) throws SQLException {
        int from = rs.getInt("from_version");
        Integer fromVersion = rs.wasNull() ? null : from;
        return new LabelMove(rs.getLong("id"), rs.getString("prompt"), rs.getString("label"), fromVersion,
                rs.getInt("to_version"), rs.getString("kind"), rs.getBoolean("undone"), rs.getLong("ts"),
                rs.getString("actor"), rs.getString("reason"));
    }
}
