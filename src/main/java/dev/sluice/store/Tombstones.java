package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Erasure tombstones ({@code erased_users}): a record about an end user, made at or before the
 * moment they were erased, is not written, whichever node or stream it was still waiting in.
 *
 * <p>On PostgreSQL a writer's transaction takes a shared advisory lock before it reads the
 * tombstones, and an erasure takes the same lock exclusively to write its tombstone: the erasure
 * waits for batches already past their check to commit (so its DELETEs see their rows), and every
 * later batch sees the tombstone. SQLite has one writer connection, which serialises the same way.
 */
public final class Tombstones {
    /** The advisory lock key writers share and an erasure takes alone ("sluice-er"). */
    static final long LOCK = 0x736c756963652d65L;

    private Tombstones() {}

    /** Records the erasure of {@code user} at {@code at} (epoch ms), after every write already checking has committed. */
    public static void record(Connection c, Database.Dialect dialect, String user, long at) throws SQLException {
        if (dialect == Database.Dialect.POSTGRES) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            }
        }
        try (PreparedStatement ps = c.prepareStatement(dialect == Database.Dialect.POSTGRES
                ? "INSERT INTO erased_users (end_user, erased_at) VALUES (?, ?) ON CONFLICT (end_user) DO UPDATE SET erased_at = EXCLUDED.erased_at"
                : "INSERT OR REPLACE INTO erased_users (end_user, erased_at) VALUES (?, ?)")) {
            ps.setString(1, user);
            ps.setLong(2, at);
            ps.executeUpdate();
        }
    }

    /**
     * Drops from {@code batch} the records of erased users made at or before their erasure, in the
     * writer's transaction on {@code c}; returns what is left to write.
     */
    public static <T> List<T> filter(Connection c, Database.Dialect dialect, List<T> batch, Function<T, String> endUser,
                                     ToLongFunction<T> madeAt) throws SQLException {
        Set<String> users = new HashSet<>();
        for (T r : batch) {
            String u = endUser.apply(r);
            if (u != null) {
                users.add(u);
            }
        }
        if (dialect == Database.Dialect.POSTGRES) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock_shared(" + LOCK + ")");
            }
        }
        if (users.isEmpty()) {
            return batch;
        }
        Map<String, Long> erased = new HashMap<>();
        List<String> list = new ArrayList<>(users);
        for (int from = 0; from < list.size(); from += 500) {
            List<String> part = list.subList(from, Math.min(list.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(part.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT end_user, erased_at FROM erased_users WHERE end_user IN (" + marks + ")")) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        erased.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        if (erased.isEmpty()) {
            return batch;
        }
        List<T> kept = new ArrayList<>(batch.size());
        for (T r : batch) {
            Long at = erased.get(endUser.apply(r));
            if (at == null || madeAt.applyAsLong(r) > at) {
                kept.add(r);
            }
        }
        return kept;
    }
}
