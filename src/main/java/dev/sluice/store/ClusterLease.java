package dev.sluice.store;

import java.sql.PreparedStatement;
import java.util.UUID;

/**
 * A lease in the store ({@code cluster_leases}) for a job one node runs for the whole cluster: the
 * node that takes it runs the job, the others skip it until the lease runs out. Taking it is one
 * conditional UPDATE, atomic on SQLite and PostgreSQL alike; a node that dies holding it only
 * delays the next run until the lease ends.
 */
public final class ClusterLease {
    private final Database database;
    private final String name;
    private final String holder;

    /** @param name a row of {@code cluster_leases} (created by a migration) */
    public ClusterLease(Database database, String name) {
        this.database = database;
        this.name = name;
        this.holder = UUID.randomUUID().toString();
    }

    /** Takes the lease until {@code now + millis} if it has run out at {@code now}; true when taken. */
    public boolean tryTake(long now, long millis) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE cluster_leases SET holder = ?, until_ms = ? WHERE name = ? AND until_ms <= ?")) {
                ps.setString(1, holder);
                ps.setLong(2, now + millis);
                ps.setString(3, name);
                ps.setLong(4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
