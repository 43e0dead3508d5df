package dev.sluice.eval.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Evaluation datasets (tables {@code eval_datasets} and {@code eval_dataset_items}, migration V31):
 * items are a test's variables with an optional expected answer, kept once per normalised input.
 * Items grown from the request log carry {@code input} (the last user message), {@code messages}
 * (the conversation) and {@code output} (what the model answered) as variables, and the request
 * they came from.
 */
public final class Datasets {
    private final Database database;

    public Datasets(Database database) {
        this.database = database;
    }

    /** A new item: variables, optional expected answer and metadata, and the request it came from. */
    public record Item(JsonNode vars, String expected, JsonNode metadata, String sourceRequestId) {}

    public boolean create(String name, String team, String description, String createdBy, long now) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO eval_datasets (name, team, description, created_at,"
                    + " created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                ps.setString(2, team);
                ps.setString(3, description);
                ps.setLong(4, now);
                ps.setString(5, createdBy);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The datasets with their item counts, by name; of one team (null = all). */
    public List<ObjectNode> list(String team) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT d.name, d.team, d.description, d.created_at, d.created_by,"
                    + " (SELECT COUNT(*) FROM eval_dataset_items i WHERE i.dataset = d.name) AS items FROM eval_datasets d"
                    + (team == null ? "" : " WHERE d.team = ?") + " ORDER BY d.name")) {
                if (team != null) {
                    ps.setString(1, team);
                }
                List<ObjectNode> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Json.object().put("object", "eval.dataset").put("name", rs.getString("name"))
                                .put("team", rs.getString("team")).put("description", rs.getString("description"))
                                .put("created_at", rs.getLong("created_at")).put("created_by", rs.getString("created_by"))
                                .put("items", rs.getLong("items")));
                    }
                }
                return out;
            }
        });
    }

    public Optional<ObjectNode> find(String name) {
        return list(null).stream().filter(d -> d.path("name").asText().equals(name)).findFirst();
    }

    /** Adds items, each unless an item with the same normalised input is there; returns how many were added. */
    public int add(String dataset, List<Item> items, long now) {
        return database.withConnection(c -> {
            int added = 0;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO eval_dataset_items (dataset, input_hash, vars,"
                    + " expected, metadata, source_request_id, created_at, end_user) VALUES (?, ?, ?, ?, ?, ?, ?,"
                    // the end user of the source request of the dataset's own team (request ids are the
                    // clients' own and two teams may use one); an organisation-wide dataset takes any team's
                    + " (SELECT MAX(r.end_user) FROM request_log r, eval_datasets d WHERE r.request_id = ?"
                    + " AND d.name = ? AND (d.team IS NULL OR r.team = d.team)))"
                    + " ON CONFLICT (dataset, input_hash) DO NOTHING")) {
                for (Item item : items) {
                    ps.setString(1, dataset);
                    ps.setString(2, inputHash(item.vars()));
                    ps.setString(3, Json.string(item.vars()));
                    ps.setString(4, item.expected());
                    ps.setString(5, item.metadata() == null ? null : Json.string(item.metadata()));
                    ps.setString(6, item.sourceRequestId());
                    ps.setLong(7, now);
                    ps.setString(8, item.sourceRequestId());   // the logged request's end user, kept for erasure
                    ps.setString(9, dataset);
                    added += ps.executeUpdate();
                }
            }
            return added;
        });
    }

    /** The items in the order they were added: {@code vars}, {@code expected}, {@code metadata}, {@code source_request_id}. */
    public List<ObjectNode> items(String dataset, int limit) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, vars, expected, metadata, source_request_id, created_at"
                    + " FROM eval_dataset_items WHERE dataset = ? ORDER BY id LIMIT " + limit)) {
                ps.setString(1, dataset);
                List<ObjectNode> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode o = Json.object().put("id", rs.getLong("id"));
                        o.set("vars", Json.parse(rs.getString("vars").getBytes(StandardCharsets.UTF_8)));
                        if (rs.getString("expected") != null) {
                            o.put("expected", rs.getString("expected"));
                        }
                        if (rs.getString("metadata") != null) {
                            o.set("metadata", Json.parse(rs.getString("metadata").getBytes(StandardCharsets.UTF_8)));
                        }
                        o.put("source_request_id", rs.getString("source_request_id"));
                        out.add(o);
                    }
                }
                return out;
            }
        });
    }

    /** The row's team equals the team bound twice after it (both null: a key without a team). */
    private static final String SAME_TEAM = "(team = ? OR (team IS NULL AND CAST(? AS TEXT) IS NULL))";

    /**
     * Items from logged requests: for each request id with a captured body, the conversation and the
     * answer. Requests without a captured body are skipped (and counted by the caller).
     */
    public List<Item> fromCapturedBodies(List<dev.sluice.store.RequestRecord> requests) {
        return database.withConnection(c -> {
            List<Item> out = new ArrayList<>();
            // the logged request's own body: its id may be a client's x-request-id that another team sent too,
            // so the team and the start time (both stored with each) must match as well
            try (PreparedStatement ps = c.prepareStatement("SELECT request, response FROM bodies WHERE request_id = ?"
                    + " AND ts = ? AND " + SAME_TEAM + " ORDER BY ts LIMIT 1")) {
                for (dev.sluice.store.RequestRecord r : requests) {
                    String id = r.requestId();
                    ps.setString(1, id);
                    ps.setLong(2, r.ts());
                    ps.setString(3, r.team());
                    ps.setString(4, r.team());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getString("request") != null) {
                            Item item = item(id, rs.getString("request"), rs.getString("response"));
                            if (item != null) {
                                out.add(item);
                            }
                        }
                    }
                }
            }
            return out;
        });
    }

    /** The requests with negative feedback (of their own team: request ids may repeat across teams) among these. */
    public List<dev.sluice.store.RequestRecord> withNegativeFeedback(List<dev.sluice.store.RequestRecord> requests) {
        return database.withConnection(c -> {
            List<dev.sluice.store.RequestRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM feedback WHERE request_id = ? AND "
                    + SAME_TEAM + " AND sentiment = 'negative'")) {
                for (dev.sluice.store.RequestRecord r : requests) {
                    ps.setString(1, r.requestId());
                    ps.setString(2, r.team());
                    ps.setString(3, r.team());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            out.add(r);
                        }
                    }
                }
            }
            return out;
        });
    }

    private static Item item(String requestId, String requestJson, String responseJson) {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(requestJson);
        } catch (Exception e) {
            return null;
        }
        JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return null;
        }
        String input = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                input = m.path("content").isTextual() ? m.path("content").asText() : m.path("content").toString();
            }
        }
        ObjectNode vars = Json.object().put("input", input);
        vars.set("messages", messages);
        String output = "";
        if (responseJson != null) {
            try {
                output = Json.MAPPER.readTree(responseJson).path("choices").path(0).path("message").path("content").asText("");
            } catch (Exception e) {
                output = "";
            }
        }
        vars.put("output", output);
        ObjectNode metadata = Json.object().put("model", request.path("model").asText());
        return new Item(vars, null, metadata, requestId);
    }

    /**
     * The hash of an item's input, normalised so that trivially different copies of one question are
     * kept once: the variables without the logged answer, lower-cased, whitespace collapsed.
     */
    static String inputHash(JsonNode vars) {
        JsonNode input = vars;
        if (vars.isObject() && vars.has("output") && vars.has("messages")) {
            ObjectNode copy = vars.deepCopy();
            copy.remove("output");
            input = copy;
        }
        String normalised = input.toString().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
