package dev.sluice.eval.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stored evaluation runs (table {@code eval_runs}, migration V30): the run's JSON as
 * {@code sluice eval -o run.json} writes it, with its summary in columns to list and filter.
 */
public final class EvalRuns {
    private static final String SUMMARY = "id, created_at, started_at, team, created_by, description, suite, prompts,"
            + " targets, cases, passed, failed, pass_rate, cost_usd";
    private final Database database;

    public EvalRuns(Database database) {
        this.database = database;
    }

    /** Stores a run; false when a run with its id is already stored. */
    public boolean insert(JsonNode run, String team, String createdBy, long now) {
        JsonNode stats = run.path("stats");
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO eval_runs (" + SUMMARY + ", body) VALUES"
                    + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                ps.setString(1, run.path("id").asText());
                ps.setLong(2, now);
                ps.setString(3, run.path("started_at").asText());
                ps.setString(4, team);
                ps.setString(5, createdBy);
                ps.setString(6, run.path("description").isTextual() ? run.path("description").asText() : null);
                ps.setString(7, run.path("suite").isTextual() ? run.path("suite").asText() : null);
                ps.setString(8, run.path("prompts").toString());
                ps.setString(9, run.path("targets").toString());
                ps.setInt(10, stats.path("cases").asInt());
                ps.setInt(11, stats.path("passed").asInt());
                ps.setInt(12, stats.path("failed").asInt());
                ps.setDouble(13, stats.path("pass_rate").asDouble());
                ps.setDouble(14, stats.path("cost_usd").asDouble());
                ps.setString(15, Json.string(run));
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The newest runs first, of one team (null = all), optionally of one suite file. */
    public List<ObjectNode> list(String team, String suite, int limit) {
        return database.withConnection(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + SUMMARY + " FROM eval_runs WHERE 1 = 1");
            List<String> args = new ArrayList<>();
            if (team != null) {
                sql.append(" AND team = ?");
                args.add(team);
            }
            if (suite != null) {
                sql.append(" AND suite = ?");
                args.add(suite);
            }
            sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(limit);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setString(i + 1, args.get(i));
                }
                List<ObjectNode> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(summary(rs));
                    }
                }
                return out;
            }
        });
    }

    /** A stored run: its summary, with the whole run under {@code run}. */
    public Optional<ObjectNode> find(String id) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SUMMARY + ", body FROM eval_runs WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    ObjectNode o = summary(rs);
                    o.set("run", Json.parse(rs.getString("body").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    return Optional.of(o);
                }
            }
        });
    }

    private static ObjectNode summary(ResultSet rs) throws java.sql.SQLException {
        ObjectNode o = Json.object();
        o.put("object", "eval.run");
        o.put("id", rs.getString("id"));
        o.put("created_at", rs.getLong("created_at"));
        o.put("started_at", rs.getString("started_at"));
        o.put("team", rs.getString("team"));
        o.put("created_by", rs.getString("created_by"));
        o.put("description", rs.getString("description"));
        o.put("suite", rs.getString("suite"));
        o.set("prompts", Json.parse(rs.getString("prompts").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        o.set("targets", Json.parse(rs.getString("targets").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        o.put("cases", rs.getInt("cases"));
        o.put("passed", rs.getInt("passed"));
        o.put("failed", rs.getInt("failed"));
        o.put("pass_rate", rs.getDouble("pass_rate"));
        o.put("cost_usd", rs.getDouble("cost_usd"));
        return o;
    }
}
