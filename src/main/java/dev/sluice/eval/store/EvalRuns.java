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
    /** How a run's models are indexed next to prompt versions: {@code model:NAME}, version 0. */
    public static final String MODEL_PREFIX = "model:";
    private final Database database;

    public EvalRuns(Database database) {
        this.database = database;
    }

    /**
     * The newest stored run that evaluated a prompt version (the gateway served it in at least one case).
     *
     * @param cases  cases answered by the version
     * @param passed of those, how many passed
     */
    public record Coverage(String runId, int cases, int passed, long createdAt, String team) {
        public boolean passing() {
            return cases > 0 && passed == cases;
        }
    }

    /**
     * Stores a run, with the prompt versions it evaluated ({@code served_prompt} of its trials) and the end
     * users whose logged requests its cases came from; false when a run with its id is already stored.
     */
    public boolean insert(JsonNode run, String team, String createdBy, long now) {
        return database.inTransaction(c -> {
            boolean added = insertRun(c, run, team, createdBy, now);
            if (added) {
                insertPrompts(c, run, team, now);
                insertUsers(c, run, now);
            }
            return added;
        });
    }

    /** Per prompt version served in the run: the cases it answered (any trial) and how many of them passed. */
    private static void insertPrompts(java.sql.Connection c, JsonNode run, String team, long now) throws java.sql.SQLException {
        java.util.Map<String, int[]> counts = new java.util.TreeMap<>();
        for (JsonNode r : run.path("results")) {
            java.util.Set<String> served = new java.util.TreeSet<>();
            for (JsonNode t : r.path("trials")) {
                if (t.path("served_prompt").isTextual()) {
                    served.add(t.path("served_prompt").asText());
                }
            }
            String model = providerModel(r.path("target").asText());
            if (model != null) {
                served.add(MODEL_PREFIX + model + "@0");
            }
            for (String p : served) {
                int[] n = counts.computeIfAbsent(p, k -> new int[2]);
                n[0]++;
                n[1] += r.path("pass").asBoolean() ? 1 : 0;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO eval_run_prompts (run_id, prompt, version, cases,"
                + " passed, team, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (var e : counts.entrySet()) {
                int at = e.getKey().lastIndexOf('@');
                if (at <= 0) {
                    continue;
                }
                int version;
                try {
                    version = Integer.parseInt(e.getKey().substring(at + 1));
                } catch (NumberFormatException ex) {
                    continue;
                }
                ps.setString(1, run.path("id").asText());
                ps.setString(2, e.getKey().substring(0, at));
                ps.setInt(3, version);
                ps.setInt(4, e.getValue()[0]);
                ps.setInt(5, e.getValue()[1]);
                ps.setString(6, team);
                ps.setLong(7, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The gateway model an {@code openai:chat:MODEL} / {@code openai:MODEL} provider calls; null for other providers. */
    static String providerModel(String target) {
        for (String prefix : List.of("openai:chat:", "openai:")) {
            if (target.startsWith(prefix) && target.length() > prefix.length()) {
                return target.substring(prefix.length());
            }
        }
        return null;
    }

    /**
     * The end users of the logged requests the run's cases came from ({@code source_request_id}), looked up in
     * the datasets (which keep the user after the request log has expired) and the request log.
     */
    private static void insertUsers(java.sql.Connection c, JsonNode run, long now) throws java.sql.SQLException {
        java.util.Set<String> sources = new java.util.TreeSet<>();
        for (JsonNode r : run.path("results")) {
            if (r.path("source_request_id").isTextual()) {
                sources.add(r.path("source_request_id").asText());
            }
        }
        if (sources.isEmpty()) {
            return;
        }
        try (PreparedStatement find = c.prepareStatement("SELECT end_user FROM eval_dataset_items WHERE source_request_id = ?"
                + " AND end_user IS NOT NULL UNION SELECT end_user FROM request_log WHERE request_id = ? AND end_user IS NOT NULL");
             PreparedStatement ins = c.prepareStatement("INSERT INTO eval_run_users (run_id, end_user, source_request_id,"
                     + " created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (String source : sources) {
                find.setString(1, source);
                find.setString(2, source);
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        ins.setString(1, run.path("id").asText());
                        ins.setString(2, rs.getString(1));
                        ins.setString(3, source);
                        ins.setLong(4, now);
                        ins.addBatch();
                    }
                }
            }
            ins.executeBatch();
        }
    }

    /**
     * The newest stored run that evaluated {@code prompt} at {@code version}, among the runs of the prompt's team
     * and the organisation's (all runs when {@code team} is null).
     */
    public Optional<Coverage> newestCovering(String prompt, int version, String team) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, cases, passed, created_at, team FROM"
                    + " eval_run_prompts WHERE prompt = ? AND version = ?" + (team == null ? "" : " AND (team IS NULL OR team = ?)")
                    + " ORDER BY created_at DESC, run_id DESC LIMIT 1")) {
                ps.setString(1, prompt);
                ps.setInt(2, version);
                if (team != null) {
                    ps.setString(3, team);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Coverage(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4),
                            rs.getString(5))) : Optional.<Coverage>empty();
                }
            }
        });
    }

    /**
     * Erasure of an end user: in every stored run, the cases that came from the user's logged requests lose their
     * variables, outputs and reasons (their verdicts stay, so the run still counts for rollouts); returns how
     * many cases were scrubbed.
     */
    public long eraseUser(String user) {
        return database.withConnection(c -> {
            java.util.Map<String, java.util.Set<String>> byRun = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, source_request_id FROM eval_run_users WHERE end_user = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byRun.computeIfAbsent(rs.getString(1), k -> new java.util.TreeSet<>()).add(rs.getString(2));
                    }
                }
            }
            long scrubbed = 0;
            for (var e : byRun.entrySet()) {
                String body;
                try (PreparedStatement ps = c.prepareStatement("SELECT body FROM eval_runs WHERE id = ?")) {
                    ps.setString(1, e.getKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        body = rs.next() ? rs.getString(1) : null;
                    }
                }
                if (body != null) {
                    JsonNode run = Json.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    for (JsonNode r : run.path("results")) {
                        if (r instanceof ObjectNode o && e.getValue().contains(r.path("source_request_id").asText())) {
                            scrub(o);
                            scrubbed++;
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE eval_runs SET body = ? WHERE id = ?")) {
                        ps.setString(1, Json.string(run));
                        ps.setString(2, e.getKey());
                        ps.executeUpdate();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM eval_run_users WHERE end_user = ?")) {
                ps.setString(1, user);
                ps.executeUpdate();
            }
            return scrubbed;
        });
    }

    private static final String ERASED = "[erased]";

    private static void scrub(ObjectNode r) {
        r.set("vars", Json.object());
        if (!r.has("description")) {   // named by its variables: the user's input
            r.put("test", ERASED + " " + r.path("source_request_id").asText());
            r.put("key", r.path("test").asText() + " | " + r.path("prompt").asText() + " | " + r.path("target").asText());
        }
        if (r.has("reason")) {
            r.put("reason", ERASED);
        }
        for (JsonNode t : r.path("trials")) {
            if (t instanceof ObjectNode o) {
                o.put("output", ERASED);
                o.remove("tool_calls");
                for (JsonNode a : o.path("asserts")) {
                    if (a instanceof ObjectNode ao) {
                        ao.put("reason", ERASED);
                        ao.remove("details");
                    }
                }
            }
        }
    }

    private static boolean insertRun(java.sql.Connection c, JsonNode run, String team, String createdBy, long now)
            throws java.sql.SQLException {
        JsonNode stats = run.path("stats");
        {
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
        }
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
