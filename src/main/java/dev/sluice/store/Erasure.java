package dev.sluice.store;

import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The right to erasure: deletes everything stored about one end user (the request's {@code user}
 * or {@code x-sluice-user}): request-log rows, spans, captured bodies, and what other packages
 * register (feedback).
 */
public final class Erasure {
    private final Database database;
    private final Map<String, String> userColumns = new LinkedHashMap<>();

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

    /** Deletes the user's records everywhere, in one transaction; returns rows deleted per table. */
    public Map<String, Integer> erase(String user) {
        return database.withConnection(c -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Map<String, Integer> deleted = new LinkedHashMap<>();
                for (Map.Entry<String, String> t : userColumns.entrySet()) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.getKey() + " WHERE " + t.getValue() + " = ?")) {
                        ps.setString(1, user);
                        deleted.put(t.getKey(), ps.executeUpdate());
                    }
                }
                c.commit();
                return deleted;
            } catch (java.sql.SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        });
    }
}
