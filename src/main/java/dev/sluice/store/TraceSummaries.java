package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code trace_summary} table (migration V60): one row per trace and owner, kept by the span writer in the
 * transaction that inserts the spans. Only the spans the insert actually stored are added (a span already
 * stored, replayed from a spill file or sent twice, adds nothing), so a summary is the sum of its stored spans
 * however often they are delivered. Each span adds to the trace's row for every span ({@link #ALL}, what admins
 * not limited to a team read) and, when it has a team, to its team's ({@link #owner(String)}), so a team-limited
 * reader, comparing {@code owner} exactly, sees figures computed from its own spans only. A span without a team
 * (what the gateway writes for a key of no team, the default) only counts in the trace row's {@code unowned}
 * (migration V64): no reader lists the traces of "no team", and the one question asked of them (does a trace
 * hold spans of no team, {@link SpanReader#ownedByOthers}) is answered by that count — one summary row per
 * request instead of two.
 * {@link #recompute} rebuilds the rows of some traces from their spans (after an erasure deleted some).
 */
public final class TraceSummaries {
    /** The owner of the row summing every span of a trace. */
    public static final String ALL = "*";
    static final long DAY_NS = 86_400_000_000_000L;
    /** Separates (and brackets) the entries of the names and services lists. */
    static final char SEP = '\u001f';
    static final int MAX_LIST = 64;
    static final int MAX_ITEM = 200;
    private static final String MODEL_KEY = "\"gen_ai.request.model\":\"";

    private TraceSummaries() {}

    /** The owner spans without a team would have: they have no row of their own (see {@code unowned}). */
    static final String NO_TEAM = "=";

    /** The owner of the row summing the spans of {@code team} (null: spans without a team, which have no row). */
    public static String owner(String team) {
        return "=" + (team == null ? "" : team);
    }

    /** One row being built: what a set of spans of one trace and owner add up to. */
    static final class Summary {
        final String traceId;
        final String owner;
        long day = -1;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        int spans;
        int errors;
        /** The spans without a team (counted in the {@link #ALL} row only). */
        int unowned;
        String rootName;
        String rootService;
        Long rootStart;
        String session;
        long sessionStart = Long.MAX_VALUE;
        String model;
        long modelStart = Long.MAX_VALUE;
        final LinkedHashSet<String> names = new LinkedHashSet<>();
        final LinkedHashSet<String> services = new LinkedHashSet<>();

        Summary(String traceId, String owner) {
            this.traceId = traceId;
            this.owner = owner;
        }

        void add(SpanRecord s, String model) {
            add(s.name(), s.parentSpanId() != null, "error".equals(s.status()), s.service(), s.sessionId(),
                    s.startNanos(), s.endNanos(), model);
        }

        void add(String name, boolean hasParent, boolean error, String service, String sessionId, long startNanos,
                long endNanos, String model) {
            start = Math.min(start, startNanos);
            end = Math.max(end, endNanos);
            spans++;
            if (error) {
                errors++;
            }
            if (!hasParent && (rootStart == null || startNanos < rootStart)) {
                rootStart = startNanos;
                rootName = name;
                rootService = service;
            }
            if (sessionId != null && startNanos < sessionStart) {
                sessionStart = startNanos;
                session = sessionId;
            }
            if (model != null && startNanos < modelStart) {
                modelStart = startNanos;
                this.model = model;
            }
            if (names.size() < MAX_LIST && name != null) {
                names.add(item(name));
            }
            if (services.size() < MAX_LIST && service != null) {
                services.add(item(service));
            }
        }
    }

    /** A list entry as stored: the separator replaced, at most {@link #MAX_ITEM} characters. */
    static String item(String text) {
        String t = text.length() > MAX_ITEM ? text.substring(0, MAX_ITEM) : text;
        return t.indexOf(SEP) < 0 ? t : t.replace(SEP, ' ');
    }

    /** A list as stored: each entry between separators; empty for none. */
    static String list(Collection<String> items) {
        if (items.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder().append(SEP);
        for (String i : items) {
            b.append(i).append(SEP);
        }
        return b.toString();
    }

    /** The list searched for an entry ({@code exact}) or an entry starting with {@code text}. */
    public static String needle(String text, boolean exact) {
        String t = item(text);
        return exact ? SEP + t + SEP : SEP + t;
    }

    /** The union of two stored lists, first-seen order, at most {@link #MAX_LIST} entries (as sluice_merge_list). */
    static String merge(String a, String b) {
        if (b == null || b.isEmpty() || b.equals(a)) {
            return a;
        }
        if (a == null || a.isEmpty()) {
            return b;
        }
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (String s : (a + b).split(String.valueOf(SEP))) {
            if (!s.isEmpty() && all.size() < MAX_LIST) {
                all.add(s);
            }
        }
        return list(all);
    }

    /** The {@code gen_ai.request.model} attribute of a span, when its attributes (JSON) have one (no escapes). */
    static String model(String attributes) {
        if (attributes == null) {
            return null;
        }
        int at = attributes.indexOf(MODEL_KEY);
        if (at < 0) {
            return null;
        }
        int from = at + MODEL_KEY.length();
        int to = attributes.indexOf('"', from);
        if (to < 0 || to - from > MAX_ITEM || to == from || attributes.lastIndexOf('\\', to) >= from) {
            return null;
        }
        return attributes.substring(from, to);
    }

    /** What these spans add up to, per trace and owner, in one order for every writer (no deadlock between two). */
    static List<Summary> summarise(Collection<SpanRecord> spans) {
        // a trace's row and its team rows are looked up once a span, not once a folded stage (session 14: the
        // writer's summaries were ~14% of its CPU, most of it these look-ups' keys and the stages' owner strings)
        Rows rows = new Rows();
        for (SpanRecord s : spans) {
            Summary all = add(rows, s);
            if (s.stages() == null) {
                continue;
            }
            // a root's folded stage spans count as the rows they once were (StageSpans): an internal span with the
            // root's trace and service, no session, no model, status unset
            List<StageSpans.Stage> stages = StageSpans.stages(s);
            if (stages == null) {
                List<SpanRecord> expanded = StageSpans.expand(List.of(s), false);
                for (SpanRecord x : expanded.subList(1, expanded.size())) {
                    add(rows, x);
                }
                continue;
            }
            Summary team = null;
            for (StageSpans.Stage g : stages) {
                all.add(g.name(), g.hasParent(), false, s.service(), null, g.startNanos(), g.endNanos(), null);
                // a stage of the root's team counts in that team's row; a stage of no team (or a root of none) is unowned
                if (!g.team() || noTeam(s.team())) {
                    all.unowned++;
                } else {
                    if (team == null) {
                        team = rows.team(s.traceId(), owner(s.team()));
                    }
                    team.add(g.name(), g.hasParent(), false, s.service(), null, g.startNanos(), g.endNanos(), null);
                }
            }
        }
        if (rows.teams.isEmpty() && rows.all.size() == 1) {
            return List.copyOf(rows.all.values());
        }
        List<Summary> out = new ArrayList<>(rows.all.values());
        out.addAll(rows.teams.values());
        out.sort(Comparator.<Summary, String>comparing(x -> x.traceId).thenComparing(x -> x.owner));
        return out;
    }

    /** One span (its own row's columns; not its folded stages) added to its trace's rows; returns the trace's row. */
    private static Summary add(Rows rows, SpanRecord s) {
        String model = model(s.attributes());
        Summary all = rows.all(s.traceId());
        all.add(s, model);
        if (noTeam(s.team())) {
            all.unowned++;
        } else {
            rows.team(s.traceId(), owner(s.team())).add(s, model);
        }
        return all;
    }

    /** Whether spans of this team count as of no team ({@link #owner} gives {@link #NO_TEAM}): they have no row. */
    private static boolean noTeam(String team) {
        return team == null || team.isEmpty();
    }

    /** The rows being built: each trace's {@link #ALL} row by trace id, its team rows by trace id and owner. */
    private static final class Rows {
        final Map<String, Summary> all = new HashMap<>();
        final Map<String, Summary> teams = new HashMap<>();

        Summary all(String traceId) {
            Summary row = all.get(traceId);
            if (row == null) {
                row = new Summary(traceId, ALL);
                all.put(traceId, row);
            }
            return row;
        }

        Summary team(String traceId, String owner) {
            return teams.computeIfAbsent(traceId + '\n' + owner, k -> new Summary(traceId, owner));
        }
    }

    /**
     * Adds the spans just stored (and only those) to their traces' summaries, except a <em>gateway-only</em> trace's:
     * a trace whose only spans are one request-log row's root (and its folded stages) gets no row (session 15: the
     * row was about a third of the store writer's work); its readers ({@link SpanReader}) summarise it from that log
     * row with {@link #summarise}, as this writer would have. Whoever adds a second contribution to such a trace (a
     * second log row carrying a root, spans from anywhere else) first adds the trace's log-row roots, so the row is
     * then exactly the sum of all of the trace's spans, as before. A trace with a row keeps it (its readers read
     * the row, never the log rows).
     *
     * <p>PostgreSQL: the traces are locked ({@code pg_advisory_xact_lock}, in one order) before they are looked up,
     * so two nodes each writing a log row of one trace cannot both take it for the trace's only one: the second to
     * take the lock sees the first's row committed.
     *
     * @param logRoots {@code stored} are the roots that request-log rows just inserted carry (else span rows)
     */
    static void addStored(Connection c, boolean postgres, Collection<SpanRecord> stored, Statements statements,
            boolean logRoots) throws SQLException {
        if (stored.isEmpty()) {
            return;
        }
        Map<String, List<SpanRecord>> byTrace = new java.util.LinkedHashMap<>();
        for (SpanRecord s : stored) {
            byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>(2)).add(s);
        }
        int[][] state = postgres ? statePostgres(c, byTrace.keySet())
                : stateSqlite(c, byTrace.keySet(), statements, logRoots ? 1 : 0);
        List<SpanRecord> out = new ArrayList<>(stored.size());
        List<SpanRecord> earlier = null;
        int i = 0;
        for (Map.Entry<String, List<SpanRecord>> e : byTrace.entrySet()) {
            int[] st = state[i++];
            if (st[0] > 0 || st[1] == 0) {
                out.addAll(e.getValue()); // a trace with a row, or a trace no log row carries a root of
                continue;
            }
            if (logRoots && st[1] == 1 && e.getValue().size() == 1 && sole(e.getValue().getFirst())) {
                continue; // a gateway-only trace: no row (its log row is read instead)
            }
            // a second contribution: the row starts from the roots the log rows stored before carry, upserted first
            // as they were written first (a row's model and session are the first stored's: the same row as before)
            if (earlier == null) {
                earlier = new ArrayList<>();
            }
            for (SpanRecord r : logRoots(c, e.getKey())) {
                if (!logRoots || !contains(e.getValue(), r)) {
                    earlier.add(r);
                }
            }
            out.addAll(e.getValue());
        }
        if (earlier != null) {
            add(c, postgres, earlier, statements);
        }
        add(c, postgres, out, statements);
    }

    private static boolean contains(List<SpanRecord> spans, SpanRecord r) {
        for (SpanRecord s : spans) {
            if (s.spanId().equals(r.spanId()) && s.startNanos() == r.startNanos()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a root alone can go without a summary row: its trace starts when it does (no folded stage starts before
     * it), so the readers can order and page such traces by the log row's root start (index
     * {@code request_log_span_start}, migration V68).
     */
    static boolean sole(SpanRecord root) {
        if (root.traceId() == null) {
            return false;
        }
        List<StageSpans.Stage> stages = StageSpans.stages(root);
        if (stages == null) {
            return false;
        }
        for (StageSpans.Stage g : stages) {
            if (g.startNanos() < root.startNanos()) {
                return false;
            }
        }
        return true;
    }

    /**
     * SQLite: one statement a batch, not one a trace. The batch's trace ids go in as a JSON array; only the traces
     * whose state differs from what nearly every trace of a batch has (no summary row, and {@code usual} log rows
     * carrying a root: the one just stored for the log sink, none for the span sink) come back, with their state and
     * their index in the array. Each trace costs two index probes inside SQLite instead of a bind, a step, two column
     * reads and a reset through JNI. The log rows are first counted in {@code request_log_trace} alone (covering: no
     * table row read); only a trace with other than {@code usual} rows there has its roots counted row by row (a row
     * may have a trace id and no root: tracing's columns expired, or stored before V67). Since every trace has at least
     * {@code usual} rows carrying a root (the caller's), {@code usual} rows in the index are exactly those.
     * bench/README.md, "Session 18".
     */
    private static final String STATE_SQLITE = "SELECT k, s, n FROM (SELECT j.key AS k,"
            + " EXISTS (SELECT 1 FROM trace_summary WHERE trace_id = j.value) AS s,"
            + " CASE WHEN (SELECT COUNT(*) FROM request_log WHERE trace_id = j.value) = ?2 THEN ?2"
            + " ELSE (SELECT COUNT(*) FROM request_log WHERE trace_id = j.value AND span_id IS NOT NULL) END AS n"
            + " FROM json_each(?1) j) WHERE s OR n <> ?2";

    /**
     * Per trace (in order): [summary rows exist (0/1), request-log rows carrying a root].
     *
     * @param usual 1 when each trace has a log row carrying a root just stored (the log sink), else 0
     */
    static int[][] stateSqlite(Connection c, Collection<String> traces, Statements statements, int usual)
            throws SQLException {
        int[][] out = new int[traces.size()][];
        PreparedStatement ps = statements.get(c, STATE_SQLITE);
        ps.setString(1, dev.sluice.api.Json.string(traces)); // a JSON array, in the collection's order
        ps.setInt(2, usual);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out[rs.getInt(1)] = new int[] {rs.getInt(2), rs.getInt(3)};
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = new int[] {0, usual};
            }
        }
        return out;
    }

    private static int[][] statePostgres(Connection c, Collection<String> traces) throws SQLException {
        String[] ids = traces.toArray(String[]::new);
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT"
                + " hashtext(t) AS h FROM unnest(CAST(? AS text[])) t ORDER BY 1) l")) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.executeQuery().close();
        }
        Map<String, int[]> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT t, EXISTS (SELECT 1 FROM trace_summary s WHERE"
                + " s.trace_id = t), (SELECT COUNT(*) FROM request_log r WHERE r.trace_id = t AND r.span_id IS NOT NULL)"
                + " FROM unnest(CAST(? AS text[])) t")) {
            ps.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new int[] {rs.getBoolean(2) ? 1 : 0, rs.getInt(3)});
                }
            }
        }
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = found.get(ids[i]);
        }
        return out;
    }

    /** The root spans the request-log rows of this trace carry, as stored (stages folded). */
    static List<SpanRecord> logRoots(Connection c, String traceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + SpanReader.ROOT_AS_SPAN + " FROM request_log"
                + " WHERE trace_id = ? AND span_id IS NOT NULL")) {
            ps.setString(1, traceId);
            return SpanReader.records(ps);
        }
    }

    /**
     * Adds the spans just stored (and only those) to their traces' summaries.
     *
     * @param statements where SQLite's upsert is kept between batches (set up with {@link #sqliteFunctions})
     */
    static void add(Connection c, boolean postgres, Collection<SpanRecord> stored, Statements statements)
            throws SQLException {
        if (stored.isEmpty()) {
            return;
        }
        List<Summary> rows = summarise(stored);
        if (postgres) {
            days(c, rows);
            upsertPostgres(c, rows);
        } else {
            upsertSqlite(statements.get(c, UPSERT_SQLITE), rows);
        }
    }

    /**
     * PostgreSQL: the partition (day) of each row that exists already, looked up in the days around the spans'
     * (a trace's row is in the day it started when first written); a new row goes in its start's day. A trace
     * whose spans arrive more than a day away from the day of its row gets a second row (not merged).
     */
    private static void days(Connection c, List<Summary> rows) throws SQLException {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        Set<String> ids = new LinkedHashSet<>();
        for (Summary r : rows) {
            lo = Math.min(lo, Math.floorDiv(r.start, DAY_NS) * DAY_NS);
            hi = Math.max(hi, Math.floorDiv(r.start, DAY_NS) * DAY_NS);
            ids.add(r.traceId);
        }
        Map<String, Long> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, owner, day FROM trace_summary WHERE day >= ?"
                + " AND day <= ? AND trace_id = ANY (?)")) {
            ps.setLong(1, lo - DAY_NS);
            ps.setLong(2, hi + DAY_NS);
            ps.setArray(3, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.merge(rs.getString(1) + '\n' + rs.getString(2), rs.getLong(3), Math::min);
                }
            }
        }
        for (Summary r : rows) {
            Long day = found.get(r.traceId + '\n' + r.owner);
            r.day = day != null ? day : Math.floorDiv(r.start, DAY_NS) * DAY_NS;
        }
    }

    private static final String COLUMNS = "trace_id, owner, day, start_ns, end_ns, spans, errors, root_name, root_service,"
            + " root_start_ns, session_id, model, names, services, unowned";
    private static final String MERGE = " DO UPDATE SET start_ns = %1$s(trace_summary.start_ns, excluded.start_ns),"
            + " end_ns = %2$s(trace_summary.end_ns, excluded.end_ns),"
            + " spans = trace_summary.spans + excluded.spans, errors = trace_summary.errors + excluded.errors,"
            + " root_name = CASE WHEN %3$s THEN excluded.root_name ELSE trace_summary.root_name END,"
            + " root_service = CASE WHEN %3$s THEN excluded.root_service ELSE trace_summary.root_service END,"
            + " root_start_ns = CASE WHEN %3$s THEN excluded.root_start_ns ELSE trace_summary.root_start_ns END,"
            + " session_id = CASE WHEN excluded.session_id IS NOT NULL AND (trace_summary.session_id IS NULL"
            + " OR excluded.start_ns < trace_summary.start_ns) THEN excluded.session_id ELSE trace_summary.session_id END,"
            + " model = COALESCE(trace_summary.model, excluded.model), names = %4$s, services = %5$s,"
            + " unowned = trace_summary.unowned + excluded.unowned";
    private static final String NEW_ROOT = "excluded.root_start_ns IS NOT NULL AND (trace_summary.root_start_ns IS NULL"
            + " OR excluded.root_start_ns < trace_summary.root_start_ns)";
    private static final String UPSERT_PG = "INSERT INTO trace_summary (" + COLUMNS + ") SELECT * FROM unnest("
            + "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]),"
            + " CAST(? AS int[]), CAST(? AS int[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]),"
            + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS int[]))"
            + " ON CONFLICT (trace_id, owner, day)" + MERGE.formatted("LEAST", "GREATEST", NEW_ROOT,
            "sluice_merge_list(trace_summary.names, excluded.names)",
            "sluice_merge_list(trace_summary.services, excluded.services)");
    private static final String UPSERT_SQLITE = "INSERT INTO trace_summary (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trace_id, owner)" + MERGE.formatted("min", "max", NEW_ROOT,
            "sluice_merge_list(trace_summary.names, excluded.names)",
            "sluice_merge_list(trace_summary.services, excluded.services)");

    /**
     * SQLite: registers {@code sluice_merge_list} on this connection ({@link #merge}, what PostgreSQL's function of
     * that name does), so the upsert merges a stored row's lists itself: no read of the row before each upsert.
     */
    static void sqliteFunctions(Connection c) throws SQLException {
        if (postgres(c)) {
            return;
        }
        org.sqlite.Function.create(c, "sluice_merge_list", new org.sqlite.Function() {
            @Override
            protected void xFunc() throws SQLException {
                String merged = merge(value_text(0), value_text(1));
                if (merged == null) {
                    result();
                } else {
                    result(merged);
                }
            }
        }, 2, org.sqlite.Function.FLAG_DETERMINISTIC);
    }

    /** PostgreSQL: one statement for the whole batch; the lists merged by sluice_merge_list (concurrent writers). */
    private static void upsertPostgres(Connection c, List<Summary> rows) throws SQLException {
        int n = rows.size();
        String[] trace = new String[n];
        String[] owner = new String[n];
        Long[] day = new Long[n];
        Long[] start = new Long[n];
        Long[] end = new Long[n];
        Integer[] spans = new Integer[n];
        Integer[] errors = new Integer[n];
        String[] rootName = new String[n];
        String[] rootService = new String[n];
        Long[] rootStart = new Long[n];
        String[] session = new String[n];
        String[] model = new String[n];
        String[] names = new String[n];
        String[] services = new String[n];
        Integer[] unowned = new Integer[n];
        for (int i = 0; i < n; i++) {
            Summary r = rows.get(i);
            trace[i] = r.traceId;
            owner[i] = r.owner;
            day[i] = r.day;
            start[i] = r.start;
            end[i] = r.end;
            spans[i] = r.spans;
            errors[i] = r.errors;
            rootName[i] = r.rootName;
            rootService[i] = r.rootService;
            rootStart[i] = r.rootStart;
            session[i] = r.session;
            model[i] = r.model;
            names[i] = list(r.names);
            services[i] = list(r.services);
            unowned[i] = r.unowned;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_PG)) {
            int k = 1;
            ps.setArray(k++, c.createArrayOf("text", trace));
            ps.setArray(k++, c.createArrayOf("text", owner));
            ps.setArray(k++, c.createArrayOf("int8", day));
            ps.setArray(k++, c.createArrayOf("int8", start));
            ps.setArray(k++, c.createArrayOf("int8", end));
            ps.setArray(k++, c.createArrayOf("int4", spans));
            ps.setArray(k++, c.createArrayOf("int4", errors));
            ps.setArray(k++, c.createArrayOf("text", rootName));
            ps.setArray(k++, c.createArrayOf("text", rootService));
            ps.setArray(k++, c.createArrayOf("int8", rootStart));
            ps.setArray(k++, c.createArrayOf("text", session));
            ps.setArray(k++, c.createArrayOf("text", model));
            ps.setArray(k++, c.createArrayOf("text", names));
            ps.setArray(k++, c.createArrayOf("text", services));
            ps.setArray(k++, c.createArrayOf("int4", unowned));
            ps.executeUpdate();
        }
    }

    /**
     * SQLite: one upsert per row, the statement kept between batches; a stored row's lists are merged by
     * {@code sluice_merge_list} (see {@link #sqliteFunctions}) in the upsert itself.
     */
    private static void upsertSqlite(PreparedStatement ps, List<Summary> rows) throws SQLException {
        Statements.runBatch(ps, rows, r -> {
            ps.setString(1, r.traceId);
            ps.setString(2, r.owner);
            ps.setLong(3, Math.floorDiv(r.start, DAY_NS) * DAY_NS);
            ps.setLong(4, r.start);
            ps.setLong(5, r.end);
            ps.setInt(6, r.spans);
            ps.setInt(7, r.errors);
            ps.setString(8, r.rootName);
            ps.setString(9, r.rootService);
            if (r.rootStart == null) {
                ps.setNull(10, Types.BIGINT);
            } else {
                ps.setLong(10, r.rootStart);
            }
            ps.setString(11, r.session);
            ps.setString(12, r.model);
            ps.setString(13, list(r.names));
            ps.setString(14, list(r.services));
            ps.setInt(15, r.unowned);
        });
    }

    /** The traces holding spans of this end user, in span rows or request-log rows (read before an erasure deletes them). */
    static Set<String> tracesOf(Connection c, String user) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        // the span rows, and the request-log rows carrying a root span (migration V67)
        try (PreparedStatement ps = c.prepareStatement("SELECT trace_id FROM spans WHERE end_user = ? UNION"
                + " SELECT trace_id FROM request_log WHERE end_user = ? AND span_id IS NOT NULL")) {
            ps.setString(1, user);
            ps.setString(2, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Rebuilds the summaries of these traces from the spans they hold now (none left: no row), e.g. after an
     * erasure deleted some of their spans.
     */
    static void recompute(Connection c, boolean postgres, Collection<String> traceIds) throws SQLException {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(traceIds));
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(",", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM trace_summary WHERE trace_id IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                ps.executeUpdate();
            }
            List<SpanRecord> spans = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SpanReader.spansWhere("trace_id IN (" + marks + ")"))) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                    ps.setString(chunk.size() + i + 1, chunk.get(i));
                }
                spans.addAll(SpanReader.spans(ps));
            }
            try (Statements statements = new Statements(TraceSummaries::sqliteFunctions)) {
                add(c, postgres, spans, statements);
            }
        }
    }

    static boolean postgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().startsWith("PostgreSQL");
    }
}
