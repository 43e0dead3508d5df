package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What model each deployment answers with, shared by every gateway on the store, and the changes
 * they confirmed. A change is claimed with a conditional update (the row still holds the old
 * identity), so when several nodes notice the same change only one records it and alerts.
 */
public final class ModelChangeRepository {
    private final Database database;

    public ModelChangeRepository(Database database) {
        this.database = database;
    }

    /** A model name and system fingerprint ({@code ""} when not tracked or not sent). */
    public record Identity(String model, String fingerprint) {
        public Identity {
            fingerprint = fingerprint == null ? "" : fingerprint;
        }

        @Override
        public String toString() {
            return fingerprint.isEmpty() ? model : model + " (" + fingerprint + ")";
        }
    }

    /** One confirmed change. */
    public record Change(long id, long ts, String deployment, String provider, String upstreamModel, Identity from,
                         Identity to) {}

    /** Request-log figures of a deployment over a time range (for before/after a change). */
    public record Figures(long requests, double errorRate, Double meanLatencyMs, Double meanOutputTokens,
                          long feedbackCount, Double meanFeedback) {}

    /** The identity the store holds for the deployment, if any node has seen it answer. */
    public Optional<Identity> current(String deployment) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT model, fingerprint FROM deployment_models WHERE deployment = ?")) {
                ps.setString(1, deployment);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Identity(rs.getString(1), rs.getString(2))) : Optional.empty();
                }
            }
        });
    }

    /** Records the first identity seen for a deployment; false when another node recorded one first. */
    public boolean first(String deployment, Identity seen, long now) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO deployment_models (deployment, model, fingerprint,"
                    + " since) VALUES (?, ?, ?, ?) ON CONFLICT (deployment) DO NOTHING")) {
                ps.setString(1, deployment);
                ps.setString(2, seen.model());
                ps.setString(3, seen.fingerprint());
                ps.setLong(4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Moves the deployment from {@code from} to {@code to} and records the change, only if the store
     * still holds {@code from}; returns the change, or empty when another node claimed it first.
     */
    public Optional<Change> claim(String deployment, String provider, String upstreamModel, Identity from, Identity to,
                                  long now) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deployment_models SET model = ?, fingerprint = ?,"
                    + " since = ? WHERE deployment = ? AND model = ? AND fingerprint = ?")) {
                ps.setString(1, to.model());
                ps.setString(2, to.fingerprint());
                ps.setLong(3, now);
                ps.setString(4, deployment);
                ps.setString(5, from.model());
                ps.setString(6, from.fingerprint());
                if (ps.executeUpdate() != 1) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO model_changes (ts, deployment, provider,"
                    + " upstream_model, from_model, from_fingerprint, to_model, to_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, now);
                ps.setString(2, deployment);
                ps.setString(3, provider);
                ps.setString(4, upstreamModel);
                ps.setString(5, from.model());
                ps.setString(6, from.fingerprint());
                ps.setString(7, to.model());
                ps.setString(8, to.fingerprint());
                ps.executeUpdate();
            }
            return Optional.of(new Change(0, now, deployment, provider, upstreamModel, from, to));
        });
    }

    /** Changes confirmed at or after {@code since}, newest first, at most {@code limit}. */
    public List<Change> list(long since, int limit) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, ts, deployment, provider, upstream_model, from_model,"
                    + " from_fingerprint, to_model, to_fingerprint FROM model_changes WHERE ts >= ? ORDER BY ts DESC, id DESC"
                    + " LIMIT ?")) {
                ps.setLong(1, since);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Change> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new Change(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                new Identity(rs.getString(6), rs.getString(7)), new Identity(rs.getString(8), rs.getString(9))));
                    }
                    return out;
                }
            }
        });
    }

    /** The deployment's request-log figures for requests that arrived in [from, to). */
    public Figures figures(String provider, String upstreamModel, long from, long to) {
        return database.read(c -> {
            long requests;
            long errors;
            Double latency;
            Double output;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN status >= 500 THEN 1 ELSE 0 END),"
                    + " AVG(latency_ms), AVG(tokens_out) FROM request_log WHERE provider = ? AND upstream_model = ?"
                    + " AND ts >= ? AND ts < ?")) {
                bind(ps, provider, upstreamModel, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    requests = rs.getLong(1);
                    errors = rs.getLong(2);
                    latency = nullable(rs, 3);
                    output = nullable(rs, 4);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(f.value_num), AVG(f.value_num) FROM feedback f"
                    // the same request: ids may be client-chosen and repeat across teams
                    + " JOIN request_log r ON r.request_id = f.request_id AND (f.team = r.team OR (f.team IS NULL AND r.team IS NULL))"
                    + " WHERE r.provider = ? AND r.upstream_model = ?"
                    + " AND r.ts >= ? AND r.ts < ?")) {
                bind(ps, provider, upstreamModel, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Figures(requests, requests == 0 ? 0 : (double) errors / requests, latency, output,
                            rs.getLong(1), nullable(rs, 2));
                }
            }
        });
    }

    private static void bind(PreparedStatement ps, String provider, String upstreamModel, long from, long to)
            throws java.sql.SQLException {
        ps.setString(1, provider);
        ps.setString(2, upstreamModel);
        ps.setLong(3, from);
        ps.setLong(4, to);
    }

    private static Double nullable(ResultSet rs, int column) throws java.sql.SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
