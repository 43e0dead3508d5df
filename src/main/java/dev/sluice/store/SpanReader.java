package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads spans back for the analytics API: one trace, a search over traces, the traces of a session.
 * A team filter compares the {@code team} column exactly, and applies to everything a summary
 * says (counts, times, root, session): a team sees only its own spans of a trace, never a figure
 * computed from another team's.
 */
public final class SpanReader {
    private static final String COLUMNS = "trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status,"
            + " status_message, service, session_id, request_id, end_user, attributes, events, team";

    private final Database database;

    public SpanReader(Database database) {
        this.database = database;
    }

    /**
     * Filters over traces: a trace matches when any of its spans matches the span filters.
     *
     * @param name     a span name, or a prefix ending in {@code *}
     * @param team     only spans of this team (the {@code team} column): the traces where it has a span,
     *                 summarised from its spans only; null = every span
     * @param cursor   from an earlier page's {@link TracePage#nextCursor()}
     */
    public record TraceQuery(Long fromNanos, Long toNanos, String service, String name, String session, Long minDurationMs,
                             boolean errorsOnly, String team, String cursor) {}

    /** One trace in a list: its span count, time range, errors and root span. */
    public record TraceSummary(String traceId, long startNanos, long endNanos, int spans, int errors, String rootName,
                               String rootService, String session) {}

    public record TracePage(List<TraceSummary> traces, String nextCursor) {}

    /** Every span of a trace, in start order (at most {@code max}). */
    public List<SpanRecord> trace(String traceId, int max) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM spans WHERE trace_id = ?"
                    + " ORDER BY start_ns, span_id LIMIT ?")) {
                ps.setString(1, traceId);
                ps.setInt(2, max);
                return spans(ps);
            }
        });
    }

    public TracePage search(TraceQuery q, int limit) {
        StringBuilder inner = new StringBuilder("SELECT DISTINCT trace_id FROM spans WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.fromNanos() != null) {
            inner.append(" AND start_ns >= ?");
            args.add(q.fromNanos());
        }
        if (q.toNanos() != null) {
            inner.append(" AND start_ns < ?");
            args.add(q.toNanos());
        }
        if (q.service() != null) {
            inner.append(" AND service = ?");
            args.add(q.service());
        }
        if (q.name() != null) {
            if (q.name().endsWith("*")) {
                String prefix = q.name().substring(0, q.name().length() - 1);
                inner.append(" AND substr(name, 1, ?) = ?");
                args.add(prefix.length()); // an int: PostgreSQL has no substr(text, int, bigint)
                args.add(prefix);
            } else {
                inner.append(" AND name = ?");
                args.add(q.name());
            }
        }
        if (q.session() != null) {
            inner.append(" AND session_id = ?");
            args.add(q.session());
        }
        if (q.team() != null) {
            inner.append(" AND team = ?");
            args.add(q.team());
        }
        StringBuilder sql = new StringBuilder("SELECT trace_id, MIN(start_ns) AS s, MAX(end_ns) AS e, COUNT(*) AS n,"
                + " SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errs FROM spans WHERE trace_id IN (")
                .append(inner).append(")");
        if (q.team() != null) {
            sql.append(" AND team = ?");
            args.add(q.team());
        }
        sql.append(" GROUP BY trace_id HAVING 1=1");
        if (q.minDurationMs() != null) {
            sql.append(" AND MAX(end_ns) - MIN(start_ns) >= ?");
            args.add(q.minDurationMs() * 1_000_000L);
        }
        if (q.errorsOnly()) {
            sql.append(" AND SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) > 0");
        }
        if (q.cursor() != null) {
            int colon = q.cursor().indexOf(':');
            sql.append(" AND (MIN(start_ns) < ? OR (MIN(start_ns) = ? AND trace_id < ?))");
            long start = Long.parseLong(q.cursor().substring(0, colon));
            args.add(start);
            args.add(start);
            args.add(q.cursor().substring(colon + 1));
        }
        sql.append(" ORDER BY s DESC, trace_id DESC LIMIT ?");
        args.add((long) limit + 1);
        return database.read(c -> {
            List<TraceSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TraceSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                                null, null, null));
                    }
                }
            }
            String next = null;
            if (out.size() > limit) {
                out.removeLast();
                TraceSummary last = out.getLast();
                next = last.startNanos() + ":" + last.traceId();
            }
            return new TracePage(withRoots(c, out, q.team()), next);
        });
    }

    /** The traces with a span of this team (null = any) in this session (at most {@code max}). */
    public List<String> traceIdsOfSession(String session, String team, int max) {
        return database.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id FROM spans WHERE session_id = ?"
                    + (team == null ? "" : " AND team = ?") + " GROUP BY trace_id ORDER BY MIN(start_ns) LIMIT ?")) {
                int i = 1;
                ps.setString(i++, session);
                if (team != null) {
                    ps.setString(i++, team);
                }
                ps.setInt(i, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Which of these traces already hold spans and none of {@code team}'s (null = of no team): the
     * traces another team owns, which a key of {@code team} may not add spans to.
     */
    public java.util.Set<String> ownedByOthers(Collection<String> traceIds, String team) {
        java.util.Set<String> out = new java.util.HashSet<>();
        List<String> ids = new ArrayList<>(new java.util.LinkedHashSet<>(traceIds));
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            String mine = team == null ? "team IS NULL" : "team = ?";
            database.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT trace_id FROM spans WHERE trace_id IN (" + marks
                        + ") GROUP BY trace_id HAVING SUM(CASE WHEN " + mine + " THEN 1 ELSE 0 END) = 0")) {
                    int i = 1;
                    for (String id : chunk) {
                        ps.setString(i++, id);
                    }
                    if (team != null) {
                        ps.setString(i, team);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    /** Fills in each trace's root span (no parent, the earliest one) and session, from {@code team}'s spans only (null = all). */
    private static List<TraceSummary> withRoots(java.sql.Connection c, List<TraceSummary> traces, String team)
            throws SQLException {
        if (traces.isEmpty()) {
            return traces;
        }
        Map<String, String[]> roots = new LinkedHashMap<>();
        String marks = String.join(",", java.util.Collections.nCopies(traces.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, name, service, session_id, parent_span_id FROM spans"
                + " WHERE trace_id IN (" + marks + ") AND (parent_span_id IS NULL OR session_id IS NOT NULL)"
                + (team == null ? "" : " AND team = ?") + " ORDER BY start_ns")) {
            int i = 1;
            for (TraceSummary t : traces) {
                ps.setString(i++, t.traceId());
            }
            if (team != null) {
                ps.setString(i, team);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] r = roots.computeIfAbsent(rs.getString(1), k -> new String[3]);
                    if (rs.getString(5) == null && r[0] == null) {
                        r[0] = rs.getString(2);
                        r[1] = rs.getString(3);
                    }
                    if (r[2] == null) {
                        r[2] = rs.getString(4);
                    }
                }
            }
        }
        List<TraceSummary> out = new ArrayList<>(traces.size());
        for (TraceSummary t : traces) {
            String[] r = roots.getOrDefault(t.traceId(), new String[3]);
            out.add(new TraceSummary(t.traceId(), t.startNanos(), t.endNanos(), t.spans(), t.errors(), r[0], r[1], r[2]));
        }
        return out;
    }

    private static void bind(PreparedStatement ps, List<?> args) throws SQLException {
        int i = 1;
        for (Object arg : args) {
            switch (arg) {
                case Long l -> ps.setLong(i++, l);
                case Integer n -> ps.setInt(i++, n);
                default -> ps.setString(i++, arg.toString());
            }
        }
    }

    private static List<SpanRecord> spans(PreparedStatement ps) throws SQLException {
        List<SpanRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SpanRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16)));
            }
        }
        return out;
    }
}
