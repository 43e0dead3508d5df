package dev.sluice.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollups of the request log, maintained at ingest in the same transaction as the raw rows
 * ({@link RequestLogSink}), so a rollup bucket always holds exactly the raw rows of its bucket.
 *
 * <p>Each {@link Level} is a table keyed by its bucket start ({@code ts}, epoch ms, aligned to the
 * level's width since the epoch) and a set of dimensions, with the request count, tokens, cost and
 * two fixed log-scale histograms (latency and time to first token). Text dimensions store
 * {@code ''} for "none" (NULLs never conflict in a unique key, so an upsert could not find the row).
 *
 * <p>The levels and why these dimensions:
 * <ul>
 *   <li>{@code rollup_hour}: every dimension a stats query filters or groups by whose cardinality is set by
 *       configuration, not traffic (model, provider, key, team, operation, status, error type, cache status,
 *       prompt, prompt version). It serves every range longer than a few hours.</li>
 *   <li>{@code rollup_day}, {@code rollup_hour_summary} and {@code rollup_minute}: the dimensions charts use
 *       (model, provider, team, operation, status, error type, cache status). Days make a 30-day overview read ~30 rows per
 *       combination instead of ~720; summary hours serve the partial days at its ends (measured: reading them
 *       from {@code rollup_hour}, whose keys make about one row per request, cost more than the rest together);
 *       minutes serve short ranges and the partial hours. Keys and
 *       prompts are left out of them so a minute holds few rows: a query by key or prompt reads whole hours
 *       from {@code rollup_hour} and the (at most two) partial hours at its ends from the raw log, by the
 *       log's (key_id, ts) and (prompt, ts) indexes.</li>
 *   <li>No end-user level: the number of users grows with traffic, so a rollup by user is about as large as
 *       the log and costs one upsert per request (measured: as much as the rest of the rollups together).
 *       Per-user questions are selective and the log's (end_user, ts) index answers them from the raw rows;
 *       grouping everyone by user stays a capped raw scan.</li>
 *   <li>Narrow levels, because a query's cost follows the rows it reads (each ~1 KB: 128 histogram buckets) and
 *       every extra dimension multiplies them: {@code rollup_{day,hour,30m,5m,minute}_total} hold only status,
 *       error type and cache status, what every total and time series needs (errors by type, cache hit rate), so
 *       the dashboard's Overview totals and charts read a few rows per bucket whatever the number of models, teams
 *       or keys (the 30-minute width serves 24-hour charts in 30-minute buckets);
 *       {@code rollup_{day,hour,5m}_model} and {@code _team} add that one dimension, for totals grouped or
 *       filtered by model or team; {@code rollup_5m} (chart dimensions) serves the edges of hour-aligned ranges
 *       grouped by provider or operation: at most 22 five-minute buckets and 8 minutes at each end.</li>
 * </ul>
 * A query reads each piece of its range from the widest level that holds its filters and groupings (and whose
 * width divides its time bucket), the levels of one width tried with the fewest dimensions first
 * ({@link #LEVELS}; {@link StatsReader#plan}).
 * Tags, session, trace and request ids, latency and cost thresholds and guardrail filters are not rolled
 * up either: queries with them read the raw log.
 *
 * <p>Histograms: bucket 0 holds values below 1 ms; bucket {@code k} (1..63) holds
 * {@code [2^((k-1)/3), 2^(k/3))} ms, the last one everything from {@code 2^(62/3)} ms (about 28 minutes).
 * A percentile read from them is the geometric middle of the bucket holding the exact nearest-rank
 * value, clamped to the integers in that bucket: at most {@code 2^(1/6) - 1} ≈ 12.3% (plus rounding to
 * a whole ms) from the exact value, and exact where a bucket holds one integer (0 to 4 ms).
 */
public final class Rollups {
    private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);
    public static final int BUCKETS = 64;
    /** The smallest integer of each histogram bucket (non-decreasing; equal neighbours mean an empty bucket). */
    static final long[] LOWER = new long[BUCKETS];

    static {
        LOWER[0] = 0;
        for (int k = 1; k < BUCKETS; k++) {
            LOWER[k] = (long) Math.ceil(Math.pow(2, (k - 1) / 3.0) - 1e-9);
        }
    }

    /** Stats dimension → rollup column. */
    static final Map<String, String> COLUMNS = Map.ofEntries(Map.entry("model", "model"),
            Map.entry("provider", "provider"), Map.entry("key", "key_id"), Map.entry("team", "team"),
            Map.entry("user", "end_user"), Map.entry("operation", "operation"), Map.entry("status", "status"),
            Map.entry("error_type", "error_type"), Map.entry("cache_status", "cache_status"),
            Map.entry("prompt", "prompt"), Map.entry("prompt_version", "prompt_version"));

    /**
     * One rollup table.
     *
     * @param dims Stats dimension names, in key order
     */
    public record Level(String table, long widthMillis, List<String> dims) {
        public boolean covers(Set<String> needed) {
            return dims.containsAll(needed);
        }

        List<String> columns() {
            return dims.stream().map(COLUMNS::get).toList();
        }
    }

    private static final List<String> FULL = List.of("model", "provider", "key", "team", "operation", "status",
            "error_type", "cache_status", "prompt", "prompt_version");
    private static final List<String> CHART = List.of("model", "provider", "team", "operation", "status", "error_type",
            "cache_status");
    /** What every total and time series needs whatever it is grouped by: errors by type and the cache hit rate. */
    private static final List<String> TOTAL = List.of("status", "error_type", "cache_status");
    private static final List<String> BY_MODEL = List.of("model", "status", "error_type", "cache_status");
    private static final List<String> BY_TEAM = List.of("team", "status", "error_type", "cache_status");
    private static final long MINUTE_MS = 60_000L;
    private static final long HOUR_MS = 60 * MINUTE_MS;
    private static final long DAY_MS = 24 * HOUR_MS;
    public static final Level DAY_TOTAL = new Level("rollup_day_total", DAY_MS, TOTAL);
    public static final Level DAY_MODEL = new Level("rollup_day_model", DAY_MS, BY_MODEL);
    public static final Level DAY_TEAM = new Level("rollup_day_team", DAY_MS, BY_TEAM);
    public static final Level DAY = new Level("rollup_day", DAY_MS, CHART);
    public static final Level HOUR_TOTAL = new Level("rollup_hour_total", HOUR_MS, TOTAL);
    public static final Level HOUR_MODEL = new Level("rollup_hour_model", HOUR_MS, BY_MODEL);
    public static final Level HOUR_TEAM = new Level("rollup_hour_team", HOUR_MS, BY_TEAM);
    public static final Level HOUR_SUMMARY = new Level("rollup_hour_summary", HOUR_MS, CHART);
    public static final Level HOUR = new Level("rollup_hour", HOUR_MS, FULL);
    public static final Level HALF_HOUR_TOTAL = new Level("rollup_30m_total", 30 * MINUTE_MS, TOTAL);
    public static final Level FIVE_MINUTE_TOTAL = new Level("rollup_5m_total", 5 * MINUTE_MS, TOTAL);
    public static final Level FIVE_MINUTE_MODEL = new Level("rollup_5m_model", 5 * MINUTE_MS, BY_MODEL);
    public static final Level FIVE_MINUTE_TEAM = new Level("rollup_5m_team", 5 * MINUTE_MS, BY_TEAM);
    public static final Level FIVE_MINUTE = new Level("rollup_5m", 5 * MINUTE_MS, CHART);
    public static final Level MINUTE_TOTAL = new Level("rollup_minute_total", MINUTE_MS, TOTAL);
    public static final Level MINUTE = new Level("rollup_minute", MINUTE_MS, CHART);
    /**
     * Every level, widest first and, among levels of one width, fewest dimensions first: the order a query plan
     * tries them in, so each piece of a range is read from the level with the fewest rows that can answer it.
     */
    public static final List<Level> LEVELS = List.of(DAY_TOTAL, DAY_MODEL, DAY_TEAM, DAY, HOUR_TOTAL, HOUR_MODEL,
            HOUR_TEAM, HOUR_SUMMARY, HOUR, HALF_HOUR_TOTAL, FIVE_MINUTE_TOTAL, FIVE_MINUTE_MODEL, FIVE_MINUTE_TEAM,
            FIVE_MINUTE, MINUTE_TOTAL, MINUTE);

    private Rollups() {}

    /** The histogram bucket of a value in ms. */
    public static int bucket(long ms) {
        if (ms < 1) {
            return 0;
        }
        int lo = 1;
        int hi = BUCKETS - 1;
        while (lo < hi) { // the largest k with LOWER[k] <= ms
            int mid = (lo + hi + 1) >>> 1;
            if (LOWER[mid] <= ms) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The value a percentile falling in bucket {@code k} is reported as (see the class comment). */
    public static long estimate(int k) {
        if (k == 0) {
            return 0;
        }
        if (k == BUCKETS - 1) {
            return LOWER[k];
        }
        long low = LOWER[k];
        long high = Math.max(low, LOWER[k + 1] - 1);
        long mid = Math.round(Math.pow(2, (k - 0.5) / 3.0));
        return Math.clamp(mid, low, high);
    }

    /** The nearest-rank percentile of a histogram, or null when it is empty. */
    public static Long percentile(long[] histogram, double p) {
        long n = 0;
        for (long c : histogram) {
            n += c;
        }
        if (n == 0) {
            return null;
        }
        long rank = Math.clamp((long) Math.ceil(p / 100.0 * n), 1, n);
        long seen = 0;
        for (int k = 0; k < histogram.length; k++) {
            seen += histogram[k];
            if (seen >= rank) {
                return estimate(k);
            }
        }
        return estimate(BUCKETS - 1);
    }

    /** The value of a Stats dimension for a record, as the rollups store it ('' for none). */
    static String dimension(String dim, RequestRecord r) {
        String v = switch (dim) {
            case "model" -> r.model();
            case "provider" -> r.provider();
            case "key" -> r.keyId();
            case "team" -> r.team();
            case "user" -> r.endUser();
            case "operation" -> r.operation();
            case "status" -> Integer.toString(r.status());
            case "error_type" -> r.errorType();
            case "cache_status" -> r.cacheStatus();
            case "prompt" -> r.prompt();
            case "prompt_version" -> promptVersion(r);
            default -> throw new IllegalArgumentException(dim);
        };
        return v == null ? "" : v;
    }

    /** As Stats groups it: a stored prompt's NAME@VERSION, else the prompt_version tag of apps that render their own. */
    private static String promptVersion(RequestRecord r) {
        if (r.prompt() != null) {
            return r.prompt() + "@" + r.promptVersion();
        }
        if (r.tags() == null || !r.tags().contains("\"prompt_version\"")) {
            return null;
        }
        try {
            JsonNode v = Json.MAPPER.readTree(r.tags()).get("prompt_version");
            return v == null || v.isNull() ? null : v.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** Sums of one (bucket, dimensions) cell. */
    private static final class Cell {
        final long ts;
        final String[] dims;
        long requests;
        long tokensIn;
        long tokensOut;
        double cost;
        final long[] latency = new long[BUCKETS];
        final long[] ttft = new long[BUCKETS];

        Cell(long ts, String[] dims) {
            this.ts = ts;
            this.dims = dims;
        }

        void add(RequestRecord r) {
            requests++;
            tokensIn += r.tokensIn() == null ? 0 : r.tokensIn();
            tokensOut += r.tokensOut() == null ? 0 : r.tokensOut();
            cost += r.costUsd() == null ? 0 : r.costUsd();
            latency[bucket(r.latencyMs())]++;
            if (r.ttftMs() >= 0) {
                ttft[bucket(r.ttftMs())]++;
            }
        }

        /** Adds another cell's sums (every column adds: counts, tokens, cost, histogram buckets). */
        void add(Cell other) {
            requests += other.requests;
            tokensIn += other.tokensIn;
            tokensOut += other.tokensOut;
            cost += other.cost;
            for (int k = 0; k < BUCKETS; k++) {
                latency[k] += other.latency[k];
                ttft[k] += other.ttft[k];
            }
        }
    }

    private record CellKey(long ts, List<String> dims) {}

    /**
     * The finest cells: a minute and every dimension any level has ({@link #FULL}: each level's dimensions are a
     * subset, each level's width a multiple of a minute). Every level's cells are sums of these, exactly as if
     * summed from the records, so each record is looked at once rather than once per level (16 dimension arrays,
     * keys and hash look-ups a record before session 9).
     */
    private static final List<String> FINEST = FULL;
    /** For each level, the index in {@link #FINEST} of each of its dimensions. */
    private static final Map<Level, int[]> PICK = new java.util.IdentityHashMap<>();

    static {
        for (Level level : LEVELS) {
            int[] pick = new int[level.dims().size()];
            for (int i = 0; i < pick.length; i++) {
                pick[i] = FINEST.indexOf(level.dims().get(i));
                if (pick[i] < 0 || level.widthMillis() % MINUTE_MS != 0) {
                    throw new IllegalStateException(level.table() + " is not a sum of minute cells of " + FINEST);
                }
            }
            PICK.put(level, pick);
        }
    }

    /** The records summed into minute cells of every dimension. */
    private static List<Cell> finest(List<RequestRecord> records) {
        Map<CellKey, Cell> cells = new HashMap<>();
        for (RequestRecord r : records) {
            long ts = Math.floorDiv(r.ts(), MINUTE_MS) * MINUTE_MS;
            String[] dims = new String[FINEST.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = dimension(FINEST.get(i), r);
            }
            cells.computeIfAbsent(new CellKey(ts, Arrays.asList(dims)), k -> new Cell(ts, dims)).add(r);
        }
        return new ArrayList<>(cells.values());
    }

    /** A level's cells, summed from the finest ones, in one order for every writer (so two cannot deadlock). */
    private static List<Cell> cells(Level level, List<Cell> finest) {
        int[] pick = PICK.get(level);
        if (pick == null) {
            throw new IllegalArgumentException("not a level: " + level);
        }
        List<Cell> sorted;
        if (finest.size() == 1) {
            Cell f = finest.get(0);
            Cell cell = new Cell(Math.floorDiv(f.ts, level.widthMillis()) * level.widthMillis(), pickDims(f, pick));
            cell.add(f);
            sorted = List.of(cell);
        } else {
            Map<CellKey, Cell> cells = new HashMap<>();
            for (Cell f : finest) {
                long ts = Math.floorDiv(f.ts, level.widthMillis()) * level.widthMillis();
                String[] dims = pickDims(f, pick);
                cells.computeIfAbsent(new CellKey(ts, Arrays.asList(dims)), k -> new Cell(ts, dims)).add(f);
            }
            sorted = new ArrayList<>(cells.values());
            // one order for every writer, so two instances upserting the same cells cannot deadlock
            // (a plain lambda for the AOT cache: Comparator's combinators are spun at every start)
            sorted.sort((x, y) -> x.ts != y.ts ? Long.compare(x.ts, y.ts) : Arrays.compare(x.dims, y.dims));
        }
        return sorted;
    }

    private static String[] pickDims(Cell finest, int[] pick) {
        String[] dims = new String[pick.length];
        for (int i = 0; i < pick.length; i++) {
            dims[i] = finest.dims[pick[i]];
        }
        return dims;
    }

    /** Adds newly stored rows to every level, on the writer's connection, inside its transaction. */
    static void apply(Connection c, List<RequestRecord> stored) throws SQLException {
        try (Statements statements = new Statements()) {
            apply(c, stored, statements);
        }
    }

    /** As {@link #apply(Connection, List)}, SQLite's upserts kept in {@code statements} from batch to batch. */
    static void apply(Connection c, List<RequestRecord> stored, Statements statements) throws SQLException {
        if (stored.isEmpty()) {
            return;
        }
        boolean postgres = postgres(c);
        List<Cell> finest = finest(stored);
        List<String> json = new ArrayList<>(LEVELS.size());
        for (Level level : LEVELS) {
            List<Cell> sorted = cells(level, finest);
            if (postgres) {
                json.add(json(level, sorted));
            } else {
                upsertRows(statements.get(c, upsert(level)), level, sorted);
            }
        }
        if (postgres) {
            // every level in one statement (one round trip per batch, not one per level), levels in LEVELS order
            try (PreparedStatement ps = c.prepareStatement(ALL_UPSERTS)) {
                for (int i = 0; i < json.size(); i++) {
                    ps.setString(i + 1, json.get(i));
                }
                ps.executeQuery().close();
            }
        }
    }

    static boolean postgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().startsWith("PostgreSQL");
    }

    /** SQLite: one upsert per cell (local calls, no round trips). */
    private static void upsertRows(PreparedStatement ps, Level level, List<Cell> cells) throws SQLException {
        Statements.runBatch(ps, cells, cell -> {
            int i = 1;
            ps.setLong(i++, cell.ts);
            for (int d = 0; d < cell.dims.length; d++) {
                if (level.dims().get(d).equals("status")) {
                    ps.setInt(i++, Integer.parseInt(cell.dims[d]));
                } else {
                    ps.setString(i++, cell.dims[d]);
                }
            }
            ps.setLong(i++, cell.requests);
            ps.setLong(i++, cell.tokensIn);
            ps.setLong(i++, cell.tokensOut);
            ps.setDouble(i++, cell.cost);
            for (long v : cell.latency) {
                ps.setLong(i++, v);
            }
            for (long v : cell.ttft) {
                ps.setLong(i++, v);
            }
        });
    }

    /**
     * PostgreSQL: the cells of a level as one JSON array read by {@code json_to_recordset} (empty histogram buckets
     * left out): one plan for any number of cells instead of 144 parameters per cell.
     */
    private static String json(Level level, List<Cell> cells) {
        StringBuilder json = new StringBuilder(cells.size() * 200).append('[');
        for (int n = 0; n < cells.size(); n++) {
            Cell cell = cells.get(n);
            json.append(n == 0 ? "{" : ",{").append("\"ts\":").append(cell.ts);
            for (int d = 0; d < cell.dims.length; d++) {
                String column = level.columns().get(d);
                json.append(",\"").append(column).append("\":");
                if (column.equals("status")) {
                    json.append(cell.dims[d]);
                } else {
                    json.append(Json.string(cell.dims[d]));
                }
            }
            json.append(",\"requests\":").append(cell.requests).append(",\"tokens_in\":").append(cell.tokensIn)
                    .append(",\"tokens_out\":").append(cell.tokensOut).append(",\"cost_usd\":").append(cell.cost);
            for (int k = 0; k < BUCKETS; k++) {
                if (cell.latency[k] != 0) {
                    json.append(",\"l").append(k).append("\":").append(cell.latency[k]);
                }
                if (cell.ttft[k] != 0) {
                    json.append(",\"t").append(k).append("\":").append(cell.ttft[k]);
                }
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    /** The upserts of every level as data-modifying CTEs of one statement, parameter i+1 the cells of LEVELS[i]. */
    private static final String ALL_UPSERTS;

    static {
        StringBuilder sql = new StringBuilder("WITH ");
        for (int i = 0; i < LEVELS.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("u").append(i).append(" AS (").append(jsonUpsert(LEVELS.get(i))).append(')');
        }
        ALL_UPSERTS = sql.append(" SELECT 1").toString();
    }

    private static String jsonUpsert(Level l) {
        List<String> keys = new ArrayList<>();
        keys.add("ts");
        keys.addAll(l.columns());
        List<String> values = valueColumns();
        List<String> defs = new ArrayList<>();
        List<String> selects = new ArrayList<>();
        for (String k : keys) {
            defs.add(k + (k.equals("ts") ? " bigint" : k.equals("status") ? " integer" : " text"));
            selects.add("x." + k);
        }
        for (String v : values) {
            defs.add(v + (v.equals("cost_usd") ? " double precision" : " bigint"));
            selects.add(v.startsWith("l") || v.startsWith("t") && !v.startsWith("tokens") ? "COALESCE(x." + v + ", 0)" : "x." + v);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(l.table()).append(" (")
                .append(String.join(", ", keys)).append(", ").append(String.join(", ", values)).append(") SELECT ")
                .append(String.join(", ", selects)).append(" FROM json_to_recordset(CAST(? AS json)) AS x(")
                .append(String.join(", ", defs)).append(") ON CONFLICT (").append(String.join(", ", keys))
                .append(") DO UPDATE SET ");
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            sql.append(i == 0 ? "" : ", ").append(v).append(" = ").append(l.table()).append('.').append(v)
                    .append(" + excluded.").append(v);
        }
        return sql.toString();
    }

    /** By table name (a record's hash would hash its dimension list at every batch). */
    private static final Map<String, String> UPSERTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String upsert(Level level) {
        return UPSERTS.computeIfAbsent(level.table(), t -> {
            Level l = level;
            List<String> keys = new ArrayList<>();
            keys.add("ts");
            keys.addAll(l.columns());
            List<String> values = valueColumns();
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(l.table()).append(" (")
                    .append(String.join(", ", keys)).append(", ").append(String.join(", ", values)).append(") VALUES (");
            for (int i = 0; i < keys.size() + values.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            sql.append(") ON CONFLICT (").append(String.join(", ", keys)).append(") DO UPDATE SET ");
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                sql.append(i == 0 ? "" : ", ").append(v).append(" = ").append(l.table()).append('.').append(v)
                        .append(" + excluded.").append(v);
            }
            return sql.toString();
        });
    }

    /** The summed columns, in order: requests, tokens_in, tokens_out, cost_usd, l0..l63, t0..t63. */
    static List<String> valueColumns() {
        List<String> out = new ArrayList<>(List.of("requests", "tokens_in", "tokens_out", "cost_usd"));
        for (int k = 0; k < BUCKETS; k++) {
            out.add("l" + k);
        }
        for (int k = 0; k < BUCKETS; k++) {
            out.add("t" + k);
        }
        return out;
    }

    /**
     * Recomputes every level from the raw log for {@code [fromMillis, toMillis)} (whole buckets of every level
     * are expected: pass day-aligned bounds), server side: deletes the levels' rows in the range, then
     * INSERT ... SELECT ... GROUP BY. Used once to roll up rows stored before the rollups existed, and by
     * benchmarks that seed the raw log directly. The histogram bucket of a value is computed by comparing it
     * with {@link #LOWER}, the same bounds {@link #bucket} uses.
     */
    public static void rebuild(Connection c, long fromMillis, long toMillis) throws SQLException {
        try (Statement s = c.createStatement()) {
            List<Level> built = new ArrayList<>();
            for (Level level : BUILD_ORDER) {
                s.executeUpdate("DELETE FROM " + level.table() + " WHERE ts >= " + fromMillis + " AND ts < " + toMillis);
                Level source = source(level, built);
                s.executeUpdate(source == null ? rebuildSql(level, fromMillis, toMillis)
                        : rebuildSql(level, source, fromMillis, toMillis));
                built.add(level);
            }
        }
    }

    /** Finest first (and, among levels of one width, most dimensions first): each level's source is built before it. */
    // a plain lambda, not Comparator.comparing(..): the JDK's comparator combinators are serializable lambdas, which
    // the AOT cache does not hold, so each was spun at run time (the ClassFile API, interpreted) on the start path
    static final List<Level> BUILD_ORDER = LEVELS.stream().sorted((a, b) -> a.widthMillis() != b.widthMillis()
            ? Long.compare(a.widthMillis(), b.widthMillis()) : Integer.compare(b.dims().size(), a.dims().size())).toList();

    /**
     * What a level is rebuilt from: among the levels already built whose width divides its width and that hold
     * its dimensions, the one with the fewest dimensions, then the widest (the fewest rows); null for the raw log.
     * Summing cells is exact (counts, tokens, cost and histogram buckets all add), so a level built from a finer
     * one holds what it would hold built from the log, and only the levels nothing finer covers read the log.
     */
    static Level source(Level level, List<Level> built) {
        Level best = null;
        for (Level l : built) {
            if (level.widthMillis() % l.widthMillis() == 0 && l.dims().containsAll(level.dims())
                    && (best == null || l.dims().size() < best.dims().size()
                        || l.dims().size() == best.dims().size() && l.widthMillis() > best.widthMillis())) {
                best = l;
            }
        }
        return best;
    }

    /** Rebuilds a level from a finer one over {@code [fromMillis, toMillis)}. */
    static String rebuildSql(Level level, Level source, long fromMillis, long toMillis) {
        List<String> keys = new ArrayList<>();
        keys.add("(ts / " + level.widthMillis() + ") * " + level.widthMillis());
        keys.addAll(level.columns());
        List<String> exprs = new ArrayList<>(keys);
        for (String v : valueColumns()) {
            exprs.add("SUM(" + v + ")");
        }
        List<String> columns = new ArrayList<>();
        columns.add("ts");
        columns.addAll(level.columns());
        columns.addAll(valueColumns());
        StringBuilder groupBy = new StringBuilder();
        for (int i = 1; i <= keys.size(); i++) {
            groupBy.append(i == 1 ? "" : ", ").append(i);
        }
        return "INSERT INTO " + level.table() + " (" + String.join(", ", columns) + ") SELECT " + String.join(", ", exprs)
                + " FROM " + source.table() + " WHERE ts >= " + fromMillis + " AND ts < " + toMillis + " GROUP BY " + groupBy;
    }

    static String rebuildSql(Level level, long fromMillis, long toMillis) {
        List<String> exprs = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        keys.add("(ts / " + level.widthMillis() + ") * " + level.widthMillis());
        for (String dim : level.dims()) {
            keys.add(switch (dim) {
                case "status" -> "status";
                case "prompt_version" -> "CASE WHEN prompt IS NOT NULL THEN prompt || '@' || COALESCE(CAST(prompt_version"
                        + " AS TEXT), 'null') ELSE '' END";
                default -> "COALESCE(" + COLUMNS.get(dim) + ", '')";
            });
        }
        exprs.addAll(keys);
        exprs.add("COUNT(*)");
        exprs.add("COALESCE(SUM(tokens_in), 0)");
        exprs.add("COALESCE(SUM(tokens_out), 0)");
        exprs.add("COALESCE(SUM(cost_usd), 0)");
        for (String column : List.of("latency_ms", "ttft_ms")) {
            for (int k = 0; k < BUCKETS; k++) {
                String lower = k == 0 ? column + " IS NOT NULL" : column + " >= " + LOWER[k];
                String upper = k == BUCKETS - 1 ? "" : " AND " + column + " < " + LOWER[k + 1];
                exprs.add("SUM(CASE WHEN " + lower + upper + " THEN 1 ELSE 0 END)");
            }
        }
        List<String> columns = new ArrayList<>();
        columns.add("ts");
        columns.addAll(level.columns());
        columns.addAll(valueColumns());
        StringBuilder groupBy = new StringBuilder();
        for (int i = 1; i <= keys.size(); i++) {
            groupBy.append(i == 1 ? "" : ", ").append(i);
        }
        // the prompt_version tag of rows without a stored prompt is JSON: only the ingest path reads it
        return "INSERT INTO " + level.table() + " (" + String.join(", ", columns) + ") SELECT " + String.join(", ", exprs)
                + " FROM request_log WHERE ts >= " + fromMillis + " AND ts < " + toMillis + " GROUP BY " + groupBy;
    }

    /**
     * Rolls up the rows stored before the rollup tables existed, once: the first store open after the
     * migration claims the job in {@code rollup_state} (a row lock, so of several instances starting at once
     * exactly one does it) and rebuilds every level from the raw log in the same transaction.
     */
    static void backfill(Database database) {
        long started = System.nanoTime();
        boolean done = database.inTransaction(c -> {
            int claimed;
            try (Statement s = c.createStatement()) {
                claimed = s.executeUpdate("UPDATE rollup_state SET backfilled = 1 WHERE backfilled = 0");
            }
            if (claimed == 1) {
                long max;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(ts) FROM request_log")) {
                    rs.next();
                    max = rs.getLong(1);
                }
                rebuild(c, 0, Math.floorDiv(max, DAY.widthMillis()) * DAY.widthMillis() + DAY.widthMillis());
            }
            return claimed == 1;
        });
        if (done) {
            LOG.info("rolled up the request log stored before rollups existed in {} ms",
                    (System.nanoTime() - started) / 1_000_000);
        }
    }
}
