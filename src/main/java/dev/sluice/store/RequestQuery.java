package dev.sluice.store;

import dev.sluice.api.Json;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Filters over the request log, shared by search and aggregates. Every field is optional (null =
 * no filter). Turned into a parameterised SQL {@code WHERE} clause that means the same on SQLite and
 * PostgreSQL (tag matching is case-sensitive on both).
 *
 * @param fromMillis   {@code ts >= fromMillis}
 * @param toMillis     {@code ts < toMillis}
 * @param status       {@code 429} (one code), {@code 5xx}/{@code 4xx} (a class), {@code error} (>= 400), {@code ok} (< 400)
 * @param tags         every {@code key → value} must be among the request's tags
 * @param guardrail    a guardrail that acted on the request: a scanner ({@code pii}), a stage and scanner
 *                     ({@code input:pii}), a scanner and action ({@code pii:redact}) or a whole trigger
 *                     ({@code input:pii:redact(email)}), matched against the {@code guardrails} column
 */
public record RequestQuery(Long fromMillis, Long toMillis, String keyId, String team, String user, String model,
                           String provider, String status, String errorType, Map<String, String> tags,
                           Long minLatencyMs, Double minCost, String session, String traceId, String requestId,
                           String operation, String cacheStatus, String guardrail) {

    public RequestQuery {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** Without a guardrail filter. */
    public RequestQuery(Long fromMillis, Long toMillis, String keyId, String team, String user, String model,
                        String provider, String status, String errorType, Map<String, String> tags,
                        Long minLatencyMs, Double minCost, String session, String traceId, String requestId,
                        String operation, String cacheStatus) {
        this(fromMillis, toMillis, keyId, team, user, model, provider, status, errorType, tags, minLatencyMs, minCost,
                session, traceId, requestId, operation, cacheStatus, null);
    }

    public static final RequestQuery ALL = new RequestQuery(null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    /** The same filters limited to one team (what a team-limited admin key may see). */
    public RequestQuery withTeam(String team) {
        return new RequestQuery(fromMillis, toMillis, keyId, team, user, model, provider, status, errorType, tags,
                minLatencyMs, minCost, session, traceId, requestId, operation, cacheStatus, guardrail);
    }

    /** The same filters over another time range ({@code ts >= from}, {@code ts < to}; null = unbounded). */
    public RequestQuery withRange(Long from, Long to) {
        return new RequestQuery(from, to, keyId, team, user, model, provider, status, errorType, tags,
                minLatencyMs, minCost, session, traceId, requestId, operation, cacheStatus, guardrail);
    }

    /**
     * The Stats dimensions the filters name (what a rollup must hold to answer them), or null when a
     * filter cannot be answered from rollups at all (tags, latency or cost thresholds, session, trace
     * or request id, guardrail).
     */
    public java.util.Set<String> rollupDimensions() {
        if (!tags.isEmpty() || minLatencyMs != null || minCost != null || session != null || traceId != null
                || requestId != null || guardrail != null) {
            return null;
        }
        java.util.Set<String> dims = new java.util.HashSet<>();
        if (keyId != null) dims.add("key");
        if (team != null) dims.add("team");
        if (user != null) dims.add("user");
        if (model != null) dims.add("model");
        if (provider != null) dims.add("provider");
        if (status != null) dims.add("status");
        if (errorType != null) dims.add("error_type");
        if (operation != null) dims.add("operation");
        if (cacheStatus != null) dims.add("cache_status");
        return dims;
    }

    /** Whether {@code status} is one of the accepted forms. */
    public static boolean validStatus(String status) {
        return status == null || status.matches("[1-5][0-9][0-9]|[1-5]xx|error|ok");
    }

    /** The {@code WHERE} clause (starting with " WHERE 1=1") and its arguments. */
    Where where(Database.Dialect dialect) {
        StringBuilder sql = new StringBuilder(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (fromMillis != null) {
            sql.append(" AND ts >= ?");
            args.add(fromMillis);
        }
        if (toMillis != null) {
            sql.append(" AND ts < ?");
            args.add(toMillis);
        }
        equal(sql, args, "key_id", keyId);
        equal(sql, args, "team", team);
        equal(sql, args, "end_user", user);
        equal(sql, args, "model", model);
        equal(sql, args, "provider", provider);
        equal(sql, args, "error_type", errorType);
        equal(sql, args, "session_id", session);
        equal(sql, args, "trace_id", traceId);
        equal(sql, args, "request_id", requestId);
        equal(sql, args, "operation", operation);
        equal(sql, args, "cache_status", cacheStatus);
        if (status != null) {
            switch (status) {
                case "error" -> sql.append(" AND status >= 400");
                case "ok" -> sql.append(" AND status < 400");
                default -> {
                    if (status.endsWith("xx")) {
                        int base = (status.charAt(0) - '0') * 100;
                        sql.append(" AND status >= ? AND status < ?");
                        args.add((long) base);
                        args.add((long) base + 100);
                    } else {
                        sql.append(" AND status = ?");
                        args.add(Long.parseLong(status));
                    }
                }
            }
        }
        if (minLatencyMs != null) {
            sql.append(" AND latency_ms >= ?");
            args.add(minLatencyMs);
        }
        if (minCost != null) {
            sql.append(" AND cost_usd >= ?");
            args.add(minCost);
        }
        // tags are stored as a compact JSON object with string values: "k":"v" appears verbatim
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            String needle = Json.string(tag.getKey()) + ":" + Json.string(tag.getValue());
            sql.append(dialect == Database.Dialect.POSTGRES ? " AND strpos(tags, ?) > 0" : " AND instr(tags, ?) > 0");
            args.add(needle);
        }
        if (guardrail != null) {
            guardrail(sql, args, dialect, guardrail);
        }
        return new Where(sql.toString(), args);
    }

    /**
     * The guardrail filter. The column holds events {@code stage:scanner:action(detail)} joined by
     * {@code ;}; framed as {@code ;events;} each event starts after a {@code ;}, so a reference is
     * found by plain substring search (strpos/instr: no LIKE, so {@code %} and {@code _} in the
     * value mean themselves) followed by what may come after it: {@code :}, {@code (} or {@code ;}.
     * A value without a stage ({@code pii}, {@code pii:redact}) is looked for after the stage's
     * {@code :}.
     */
    private static void guardrail(StringBuilder sql, List<Object> args, Database.Dialect dialect, String value) {
        boolean staged = value.startsWith("input:") || value.startsWith("output:");
        String start = staged ? ";" + value : ":" + value;
        String framed = "(';' || guardrails || ';')";
        String find = dialect == Database.Dialect.POSTGRES ? "strpos(" + framed + ", ?) > 0" : "instr(" + framed + ", ?) > 0";
        List<String> ends = value.endsWith(")") ? List.of(";") : List.of(":", "(", ";");
        sql.append(" AND guardrails IS NOT NULL AND (");
        for (int i = 0; i < ends.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append(find);
            args.add(start + ends.get(i));
        }
        sql.append(')');
    }

    /** Whether a guardrail filter is well-formed: 1-200 characters, no {@code ;}, not starting or ending with {@code :}. */
    public static boolean validGuardrail(String value) {
        return value == null || !value.isBlank() && value.length() <= 200 && value.indexOf(';') < 0
                && !value.startsWith(":") && !value.endsWith(":");
    }

    private static void equal(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    /** A WHERE clause and its positional arguments. */
    record Where(String sql, List<Object> args) {
        Where {
            args = List.copyOf(args);
        }

        /** Binds the arguments from position {@code first}; returns the next free position. */
        int bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            for (Object arg : args) {
                switch (arg) {
                    case Long l -> ps.setLong(i++, l);
                    case Double d -> ps.setDouble(i++, d);
                    default -> ps.setString(i++, arg.toString());
                }
            }
            return i;
        }
    }
}
