package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads spans back for the analytics API: one trace (its spans, by trace id), a search over traces and the
 * traces of a session (both from {@code trace_summary}, one row per trace: {@link TraceSummaries}). A team
 * filter reads the team's own summary rows (compared exactly), so everything a summary says (counts,
 * times, root, session) comes from the team's spans only, never from another team's.
 */
public final class SpanReader {
    static final String COLUMNS = "trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status,"
            + " status_message, service, session_id, request_id, end_user, attributes, events, team, stages";
    /** The request log's columns holding its request's root span (migration V67), in {@link SpanRecord}'s order. */
    static final String ROOT_COLUMNS = "span_id, span_parent, span_name, span_kind, span_start_ns, span_end_ns, span_status,"
            + " span_status_message, span_service, span_attributes, span_events, span_stages";
    /** A request-log row's root span as a span row ({@link #COLUMNS}): its trace, session, request, user, team are the row's. */
    static final String ROOT_AS_SPAN = "trace_id, span_id, span_parent, span_name, span_kind, span_start_ns, span_end_ns,"
            + " span_status, span_status_message, span_service, session_id, request_id, end_user, span_attributes,"
            + " span_events, team, span_stages";

    /**
     * The spans matching {@code where} ({@link #COLUMNS}): the span rows and the root spans the request log's rows
     * carry (one request's root is in one of the two). {@code where} is bound twice: first for the spans, then for
     * the log rows (a request-log column of the same name: trace_id, end_user).
     */
    static String spansWhere(String where) {
        return "SELECT " + COLUMNS + " FROM spans WHERE " + where + " UNION ALL SELECT " + ROOT_AS_SPAN
                + " FROM request_log WHERE " + where + " AND span_id IS NOT NULL";
    }

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
                             boolean errorsOnly, String team, String cursor) {
        /** Whether {@code name} is a prefix of span names (it ends with {@code *}). */
        boolean namePrefix() {
            return name != null && name.endsWith("*");
        }

        /** The span name, or the prefix without its {@code *}; null without a name filter. */
        String nameText() {
            return namePrefix() ? name.substring(0, name.length() - 1) : name;
        }

        /** The name filter as an entry of the summaries' name lists ({@link TraceSummaries#needle}), or null. */
        String nameNeedle() {
            return name == null ? null : TraceSummaries.needle(nameText(), !namePrefix());
        }

        /** The start (ns) of the last trace of the previous page ({@code cursor} is {@code start:trace_id}), or null. */
        Long cursorStart() {
            return cursor == null ? null : Long.parseLong(cursor.substring(0, cursor.indexOf(':')));
        }

        /** The trace id of the last trace of the previous page, or null. */
        String cursorTrace() {
            return cursor == null ? null : cursor.substring(cursor.indexOf(':') + 1);
        }
    }

    /** One trace in a list: its span count, time range, errors, root span, session and model (when known). */
    public record TraceSummary(String traceId, long startNanos, long endNanos, int spans, int errors, String rootName,
                               String rootService, String session, String model) {}

    public record TracePage(List<TraceSummary> traces, String nextCursor) {}

    /**
     * Every span of a trace, in start order (at most {@code max}). A root's stage spans ({@link StageSpans}) start
     * after it, so the first {@code max} rows by start hold the first {@code max} spans.
     */
    public List<SpanRecord> trace(String traceId, int max) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(spansWhere("trace_id = ?") + " ORDER BY start_ns, span_id LIMIT ?")) {
                ps.setString(1, traceId);
                ps.setString(2, traceId);
                ps.setInt(3, max);
                List<SpanRecord> spans = new ArrayList<>(spans(ps));
                spans.sort(java.util.Comparator.comparingLong(SpanRecord::startNanos).thenComparing(SpanRecord::spanId));
                return spans.size() > max ? new ArrayList<>(spans.subList(0, max)) : spans;
            }
        });
    }

    /**
     * Trace search over the summaries ({@code trace_summary}): newest first by the trace's start, keyset
     * paginated. The time range bounds the trace's start; name, service and session match when any of the
     * trace's spans (of the team, when one is given) has them.
     */
    public TracePage search(TraceQuery q, int limit) {
        boolean postgres = database.dialect() == Database.Dialect.POSTGRES;
        String contains = postgres ? "strpos(%s, ?) > 0" : "instr(%s, ?) > 0";
        // SQLite's planner would rather walk the start index (the order asked for) than the session's few rows
        String from = q.session() != null && !postgres ? "trace_summary INDEXED BY trace_summary_session" : "trace_summary";
        StringBuilder sql = new StringBuilder("SELECT trace_id, start_ns, end_ns, spans, errors, root_name, root_service,"
                + " session_id, model FROM " + from + " WHERE owner = ?");
        List<Object> args = new ArrayList<>();
        args.add(q.team() == null ? TraceSummaries.ALL : TraceSummaries.owner(q.team()));
        if (q.fromNanos() != null) {
            sql.append(" AND start_ns >= ?");
            args.add(q.fromNanos());
        }
        if (q.toNanos() != null) {
            sql.append(" AND start_ns < ?");
            args.add(q.toNanos());
        }
        if (q.service() != null) {
            sql.append(" AND ").append(contains.formatted("services"));
            args.add(TraceSummaries.needle(q.service(), true));
        }
        if (q.name() != null) {
            sql.append(" AND ").append(contains.formatted("names"));
            args.add(q.nameNeedle());
        }
        if (q.session() != null) {
            sql.append(" AND session_id = ?");
            args.add(q.session());
        }
        if (q.minDurationMs() != null) {
            sql.append(" AND end_ns - start_ns >= ?");
            args.add(q.minDurationMs() * 1_000_000L);
        }
        if (q.errorsOnly()) {
            sql.append(" AND errors > 0");
        }
        if (q.cursor() != null) {
            sql.append(" AND (start_ns < ? OR (start_ns = ? AND trace_id < ?))");
            args.add(q.cursorStart());
            args.add(q.cursorStart());
            args.add(q.cursorTrace());
        }
        sql.append(" ORDER BY start_ns DESC, trace_id DESC LIMIT ?");
        args.add((long) limit + 1);
        return database.read(c -> {
            List<TraceSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TraceSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                    }
                }
            }
            // the gateway-only traces (no summary row), from their log rows, merged in the same order
            List<TraceSummary> gateway = gatewayOnly(c, q, limit + 1);
            if (!gateway.isEmpty()) {
                out.addAll(gateway);
                out.sort(NEWEST_FIRST);
                while (out.size() > limit + 1) {
                    out.removeLast();
                }
            }
            String next = null;
            if (out.size() > limit) {
                out.removeLast();
                TraceSummary last = out.getLast();
                next = last.startNanos() + ":" + last.traceId();
            }
            return new TracePage(out, next);
        });
    }

    /** The traces with a span of this team (null = any) in this session (at most {@code max}), oldest first. */
    public List<String> traceIdsOfSession(String session, String team, int max) {
        return database.read(c -> {
            List<TraceSummary> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, start_ns FROM trace_summary"
                    + (database.dialect() == Database.Dialect.SQLITE ? " INDEXED BY trace_summary_session" : "")
                    + " WHERE owner = ? AND session_id = ? ORDER BY start_ns, trace_id LIMIT ?")) {
                ps.setString(1, team == null ? TraceSummaries.ALL : TraceSummaries.owner(team));
                ps.setString(2, session);
                ps.setInt(3, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new TraceSummary(rs.getString(1), rs.getLong(2), 0, 0, 0, null, null, null, null));
                    }
                }
            }
            // the session's gateway-only traces (no summary row): a log row's root is in its row's session and team
            if (team == null || !team.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, span_start_ns FROM request_log r"
                        + " WHERE session_id = ? AND span_id IS NOT NULL AND span_start_ns >= ?"
                        + (team == null ? "" : " AND team = ?") + " AND " + NO_SUMMARY
                        + " ORDER BY span_start_ns, trace_id LIMIT ?")) {
                    int i = 1;
                    ps.setString(i++, session);
                    ps.setLong(i++, rootsFrom(c));
                    if (team != null) {
                        ps.setString(i++, team);
                    }
                    ps.setInt(i, max);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            found.add(new TraceSummary(rs.getString(1), rs.getLong(2), 0, 0, 0, null, null, null, null));
                        }
                    }
                }
                found.sort(NEWEST_FIRST.reversed());
            }
            List<String> out = new ArrayList<>();
            for (TraceSummary t : found) {
                if (out.size() < max) {
                    out.add(t.traceId());
                }
            }
            return out;
        });
    }

    private static final java.util.Comparator<TraceSummary> NEWEST_FIRST = java.util.Comparator
            .comparingLong(TraceSummary::startNanos).thenComparing(TraceSummary::traceId).reversed();

    /** A request-log row's trace has no summary row: the row is its trace's only contribution (a gateway-only trace). */
    static final String NO_SUMMARY = "NOT EXISTS (SELECT 1 FROM trace_summary s WHERE s.trace_id = r.trace_id)";

    /**
     * The earliest root start (ns) a log row's root may have to be read as a trace: {@code retention.spans}' last
     * cutoff (mark {@code request_log.spans}, {@link Retention}), which deleted the summary rows of the traces started
     * before it, so a gateway-only trace leaves the lists exactly when its summary row would have.
     */
    private static long rootsFrom(java.sql.Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT upto FROM expiry_marks WHERE name = ?")) {
            ps.setString(1, Retention.ROOT_SPANS_MARK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) * 1_000_000L : 0L;
            }
        }
    }

    /**
     * The gateway-only traces matching {@code q} (at most {@code max}), newest first: their log rows, read by the root's
     * start through {@code request_log_span_start}, summarised as the writer would have ({@link
     * TraceSummaries#summarise}) and filtered on that summary where SQL cannot (names, services, duration, errors).
     */
    private List<TraceSummary> gatewayOnly(java.sql.Connection c, TraceQuery q, int max) throws SQLException {
        if (q.team() != null && q.team().isEmpty()) {
            return List.of(); // spans of no team have no team row: a reader of "no team" lists nothing
        }
        String owner = q.team() == null ? TraceSummaries.ALL : TraceSummaries.owner(q.team());
        String serviceNeedle = q.service() == null ? null : TraceSummaries.needle(q.service(), true);
        String nameNeedle = q.nameNeedle();
        long rootsFrom = rootsFrom(c);
        int chunk = Math.max(max, 100);
        Long afterStart = q.cursorStart();
        String afterTrace = q.cursorTrace();
        List<TraceSummary> out = new ArrayList<>();
        while (true) {
            StringBuilder sql = new StringBuilder("SELECT " + ROOT_AS_SPAN + " FROM request_log r WHERE span_id IS NOT NULL"
                    + " AND span_start_ns >= ?");
            List<Object> args = new ArrayList<>();
            args.add(rootsFrom);
            if (q.team() != null) {
                sql.append(" AND team = ?");
                args.add(q.team());
            }
            if (q.fromNanos() != null) {
                sql.append(" AND span_start_ns >= ?");
                args.add(q.fromNanos());
            }
            if (q.toNanos() != null) {
                sql.append(" AND span_start_ns < ?");
                args.add(q.toNanos());
            }
            if (q.session() != null) {
                sql.append(" AND session_id = ?");
                args.add(q.session());
            }
            narrow(q, sql, args);
            if (afterStart != null) {
                // the bound alone first: a range on request_log_span_start (the disjunction is not one)
                sql.append(" AND span_start_ns <= ? AND (span_start_ns < ? OR (span_start_ns = ? AND trace_id < ?))");
                args.add(afterStart);
                args.add(afterStart);
                args.add(afterStart);
                args.add(afterTrace);
            }
            sql.append(" AND ").append(NO_SUMMARY).append(" ORDER BY span_start_ns DESC, trace_id DESC LIMIT ?");
            args.add((long) chunk);
            List<SpanRecord> roots;
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                bind(ps, args);
                roots = records(ps);
            }
            for (SpanRecord root : roots) {
                TraceSummaries.Summary t = null;
                for (TraceSummaries.Summary x : TraceSummaries.summarise(List.of(root))) {
                    if (x.owner.equals(owner)) {
                        t = x;
                    }
                }
                if (t == null
                        || (serviceNeedle != null && !TraceSummaries.list(t.services).contains(serviceNeedle))
                        || (nameNeedle != null && !TraceSummaries.list(t.names).contains(nameNeedle))
                        || (q.minDurationMs() != null && t.end - t.start < q.minDurationMs() * 1_000_000L)
                        || (q.errorsOnly() && t.errors == 0)) {
                    continue;
                }
                out.add(new TraceSummary(t.traceId, t.start, t.end, t.spans, t.errors, t.rootName, t.rootService,
                        t.session, t.model));
                if (out.size() >= max) {
                    return out;
                }
            }
            if (roots.size() < chunk) {
                return out;
            }
            SpanRecord last = roots.getLast();
            afterStart = last.startNanos();
            afterTrace = last.traceId();
        }
    }

    /**
     * The filters of {@code q} as conditions on the log row, so SQL skips the rows that cannot match instead of this
     * class summarising each: every one admits all the rows the summary's own test (which still runs) admits. A
     * gateway-only trace's spans are its root and the stages folded into it, which end before the root, start no
     * earlier (else the writer keeps a summary row: {@link TraceSummaries#sole}), carry the root's service and status
     * unset ({@link StageSpans}): so its duration is the
     * root's, it has an error only when the root has, its one service is the root's, and its names are the root's and
     * the stages' — each stage name a plain JSON string in {@code span_stages}. A filter text the summary would store
     * cut or changed ({@link TraceSummaries#item}) is left to the summary's test alone.
     */
    private static void narrow(TraceQuery q, StringBuilder sql, List<Object> args) {
        if (q.errorsOnly()) {
            sql.append(" AND span_status = 'error'");
        }
        if (q.minDurationMs() != null) {
            sql.append(" AND span_end_ns - span_start_ns >= ?");
            args.add(q.minDurationMs() * 1_000_000L);
        }
        if (q.service() != null && TraceSummaries.item(q.service()).equals(q.service())) {
            sql.append(" AND ").append(storedAs("span_service"));
            args.add(likeStored(q.service(), false));
        }
        if (q.name() != null) {
            boolean prefix = q.namePrefix();
            String text = q.nameText();
            if (TraceSummaries.item(text).equals(text) && plainJson(text)) {
                sql.append(" AND (").append(storedAs("span_name")).append(" OR span_stages LIKE ? ESCAPE '\\')");
                args.add(likeStored(text, prefix));
                args.add("%\"" + likeEscaped(text) + (prefix ? "%" : "\"%"));
            }
        }
    }

    /**
     * A root column whose stored list entry ({@link TraceSummaries#item}: cut at its length, separators made spaces)
     * may match {@link #likeStored}'s pattern: a LIKE that lets any character stand where the text has a space, or a
     * value the cut may have shortened (over half the cut in characters: the cut counts UTF-16 units); both admit
     * more rows than the entry's own test (SQLite's LIKE ignores ASCII case too).
     */
    private static String storedAs(String column) {
        return "(" + column + " LIKE ? ESCAPE '\\' OR length(" + column + ") > " + TraceSummaries.MAX_ITEM / 2 + ")";
    }

    private static String likeStored(String text, boolean prefix) {
        return likeEscaped(text).replace(' ', '_') + (prefix ? "%" : "");
    }

    /** Whether JSON writes this text as it is (no quote, backslash or control character to escape). */
    private static boolean plainJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\' || ch < 0x20) {
                return false;
            }
        }
        return true;
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * Which of these traces already hold spans and none of {@code team}'s (null = of no team): the
     * traces another team owns, which a key of {@code team} may not add spans to. Read from the
     * summaries, which the span writer keeps in the spans' own transaction.
     */
    public java.util.Set<String> ownedByOthers(Collection<String> traceIds, String team) {
        java.util.Set<String> out = new java.util.HashSet<>();
        List<String> ids = new ArrayList<>(new java.util.LinkedHashSet<>(traceIds));
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            database.read(c -> {
                // spans of no team have no row of their own: the trace row counts them (unowned)
                boolean noTeam = TraceSummaries.owner(team).equals(TraceSummaries.NO_TEAM);
                try (PreparedStatement ps = c.prepareStatement(noTeam
                        ? "SELECT trace_id FROM trace_summary WHERE trace_id IN (" + marks + ") AND owner = ?"
                                + " GROUP BY trace_id HAVING SUM(unowned) = 0"
                        : "SELECT trace_id FROM trace_summary WHERE trace_id IN (" + marks + ")"
                                + " GROUP BY trace_id HAVING SUM(CASE WHEN owner = ? THEN 1 ELSE 0 END) = 0")) {
                    int i = 1;
                    for (String id : chunk) {
                        ps.setString(i++, id);
                    }
                    ps.setString(i, noTeam ? TraceSummaries.ALL : TraceSummaries.owner(team));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
                // the gateway-only traces among them (no summary row): the one log row's root, summarised as the
                // writer would have, answers the same question
                try (PreparedStatement ps = c.prepareStatement("SELECT " + ROOT_AS_SPAN + " FROM request_log r"
                        + " WHERE trace_id IN (" + marks + ") AND span_id IS NOT NULL AND span_start_ns >= ? AND "
                        + NO_SUMMARY)) {
                    int i = 1;
                    for (String id : chunk) {
                        ps.setString(i++, id);
                    }
                    ps.setLong(i, rootsFrom(c));
                    List<TraceSummaries.Summary> rows = TraceSummaries.summarise(records(ps));
                    java.util.Set<String> own = new java.util.HashSet<>();
                    for (TraceSummaries.Summary x : rows) {
                        if (!noTeam && x.owner.equals(TraceSummaries.owner(team))) {
                            own.add(x.traceId);
                        }
                    }
                    for (TraceSummaries.Summary x : rows) {
                        if (x.owner.equals(TraceSummaries.ALL) && (noTeam ? x.unowned == 0 : !own.contains(x.traceId))) {
                            out.add(x.traceId);
                        }
                    }
                }
                return null;
            });
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

    /** The spans of these rows ({@link #COLUMNS}), each root's stage spans as their own records. */
    static List<SpanRecord> spans(PreparedStatement ps) throws SQLException {
        return StageSpans.expand(records(ps));
    }

    /** The rows ({@link #COLUMNS}) as stored: a root's stage spans left folded in it. */
    static List<SpanRecord> records(PreparedStatement ps) throws SQLException {
        List<SpanRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SpanRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16),
                        rs.getString(17)));
            }
        }
        return out;
    }
}
