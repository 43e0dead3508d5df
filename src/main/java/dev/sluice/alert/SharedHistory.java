package dev.sluice.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.api.Json;
import dev.sluice.store.Redis;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert history of every node, in Redis beside the alert windows: one list, newest first,
 * trimmed to the history's capacity, and one counter for the ids. An alert is recorded by the node
 * that sent it, once (a rule's firing and resolution are sent by the one node whose compare-and-set
 * changed the rule's state), and every node lists the same history.
 */
public final class SharedHistory {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    /** Numbers the entry, prepends it and trims the list, in one script. */
    private static final String ADD = """
            local id = redis.call('INCR', KEYS[2])
            redis.call('LPUSH', KEYS[1], string.format('{"id":%d,', id) .. string.sub(ARGV[1], 2))
            redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
            return id
            """;

    private final Redis redis;
    private final String list;
    private final String sequence;

    /** @param prefix the cluster's alert key prefix, e.g. {@code sluice:alerts:<cluster>:} */
    public SharedHistory(Redis redis, String prefix) {
        this.redis = redis;
        this.list = prefix + "history";
        this.sequence = prefix + "history:seq";
    }

    /** Records an entry (its id is given here) and keeps the newest {@code capacity}; returns the id. */
    long add(AlertHistory.Entry e, int capacity) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ts", e.ts());
        fields.put("status", e.status());
        fields.put("priority", e.priority());
        fields.put("title", e.title());
        fields.put("message", e.message());
        fields.put("details", e.details());
        Long id = redis.sync().eval(ADD, ScriptOutputType.INTEGER, new String[] {list, sequence},
                Json.string(fields), Integer.toString(capacity));
        return id;
    }

    /** Every entry kept, newest first. */
    List<AlertHistory.Entry> entries(int capacity) {
        List<String> raw = redis.sync().lrange(list, 0, capacity - 1);
        List<AlertHistory.Entry> out = new ArrayList<>(raw.size());
        for (String json : raw) {
            Map<String, Object> m;
            try {
                m = Json.MAPPER.readValue(json, MAP);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> details = m.get("details") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
            out.add(new AlertHistory.Entry(((Number) m.get("id")).longValue(), ((Number) m.get("ts")).longValue(),
                    (String) m.get("status"), (String) m.get("priority"), (String) m.get("title"), (String) m.get("message"),
                    details));
        }
        return out;
    }

    /** How many alerts were ever recorded by the cluster. */
    long total() {
        String v = redis.sync().get(sequence);
        return v == null ? 0 : Long.parseLong(v);
    }
}
