package dev.sluice.store;

import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The right to erasure: deletes everything stored about one end user (the request's {@code user}
 * or {@code x-sluice-user}): request-log rows, spans (the root spans the log rows carry go with them; the
 * summaries of their traces are rebuilt from the spans left), captured bodies, and what other packages
 * register: tables (feedback) and copies outside the database (records waiting in the writers'
 * queues and spill files, cached answers, in-memory indexes). Copies are erased first, so a record
 * waiting to be written is either gone or already in a table when the tables are cleared. Before
 * all that a tombstone is recorded ({@link Tombstones}): records of the user made until then that
 * are still waiting elsewhere (another node's queue or spill file, the telemetry stream) are
 * dropped when they reach the store.
 */
public final class Erasure {
    /** A copy of end-user data outside the database's tables. */
    @FunctionalInterface
    public interface Copy {
        /** Removes what this copy holds about the user; returns how many entries went. */
        long erase(String user);
    }

    private final Database database;
    private final Map<String, String> userColumns = new LinkedHashMap<>();
    private final Map<String, Copy> copies = new LinkedHashMap<>();

    public Erasure(Database database) {
        this.database = database;
        userColumns.put("request_log", "end_user");
        userColumns.put("spans", "end_user");
        userColumns.put("bodies", "end_user");
    }

    /** Registers another table holding end-user data, by the column naming the user. */
    public void add(String table, String userColumn) {
        userColumns.put(table, userColumn);
    }

    /** Registers a copy outside the tables (erased before them, in registration order), under a name for the answer. */
    public void addCopy(String name, Copy copy) {
        if (copies.putIfAbsent(name, copy) != null) {
            throw new IllegalStateException("two erasable copies named '" + name + "'");
        }
    }

    /**
     * Deletes the user's records everywhere: the copies, then every table in one transaction; returns what went,
     * per copy and table.
     */
    public Map<String, Long> erase(String user) {
        // first the tombstone: from now on no node writes a record of the user made before this moment
        database.inTransaction(c -> {
            Tombstones.record(c, database.dialect(), user, System.currentTimeMillis());
            return null;
        });
        Map<String, Long> deleted = new LinkedHashMap<>();
        copies.forEach((name, copy) -> deleted.put(name, copy.erase(user)));
        deleted.putAll(eraseTables(user));
        return deleted;
    }

    private Map<String, Long> eraseTables(String user) {
        return database.inTransaction(c -> {
            Map<String, Long> deleted = new LinkedHashMap<>();
            // the summaries of the user's traces are rebuilt from the spans left (names, session, counts)
            java.util.Set<String> traces = TraceSummaries.tracesOf(c, user);
            // root spans stored in the user's request-log rows (migration V67) go with those rows: count them as spans
            long roots;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM request_log WHERE end_user = ?"
                    + " AND span_id IS NOT NULL")) {
                ps.setString(1, user);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    roots = rs.getLong(1);
                }
            }
            for (Map.Entry<String, String> t : userColumns.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.getKey() + " WHERE " + t.getValue() + " = ?")) {
                    ps.setString(1, user);
                    deleted.put(t.getKey(), (long) ps.executeUpdate());
                }
            }
            deleted.merge("spans", roots, Long::sum);
            TraceSummaries.recompute(c, database.dialect() == Database.Dialect.POSTGRES, traces);
            return deleted;
        });
    }
}
