package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.analytics.Stats;
import dev.sluice.analytics.TimeParam;
import dev.sluice.analytics.TraceTree;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AdminIdentity;
import dev.sluice.config.AnalyticsConfig;
import dev.sluice.store.RequestQuery;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.RequestSearch;
import dev.sluice.store.SpanReader;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.StatsReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The analytics API (what a dashboard uses): request search, trace search, one trace as a tree, a
 * session, and aggregates. Any admin role reads; team-limited keys see only their team's requests
 * and spans (asking for another team is a 403). Every read is recorded in the audit log.
 */
public final class AnalyticsAdmin implements Endpoints {
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern TRACE_CURSOR = Pattern.compile("\\d{1,19}:[0-9a-f]{32}");
    private static final int MAX_TRACE_SPANS = 10_000;

    private final AdminGuard guard;
    private final RequestSearch requests;
    private final SpanReader spans;
    private final StatsReader stats;
    private final AnalyticsConfig caps;

    public AnalyticsAdmin(AdminGuard guard, RequestSearch requests, SpanReader spans, StatsReader stats,
                          AnalyticsConfig caps) {
        this.guard = guard;
        this.requests = requests;
        this.spans = spans;
        this.stats = stats;
        this.caps = caps;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .read("/admin/analytics/requests", "logs.search", this::requests)
                .read("/admin/analytics/traces", "traces.search", this::traces)
                .read("/admin/analytics/stats", "logs.stats", this::stats)
                .read("/admin/traces/{trace_id}", "trace.read", this::trace)
                .read("/admin/sessions/{id}", "session.read", this::session);
    }

    /** {@code GET /admin/analytics/requests} */
    private void requests(AdminGuard.Call call) {
        RequestQuery query = requestQuery(call);
        Long before = cursor(call, "cursor");
        Long after = cursor(call, "after");
        if (before != null && after != null) {
            throw SluiceException.invalidRequest("after", "Use either cursor (older rows) or after (newer rows), not both.");
        }
        RequestSearch.Page page = requests.search(query, call.limit(), before, after);
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeArrayFieldStart("data");
            for (RequestRecord r : page.rows()) {
                AdminJson.record(gen, r);
            }
            gen.writeEndArray();
            gen.writeStringField("next_cursor", page.nextCursor() == null ? null : page.nextCursor().toString());
            gen.writeStringField("tail_cursor", Long.toString(page.tailCursor()));
            gen.writeEndObject();
        }));
    }

    /** {@code GET /admin/analytics/traces} */
    private void traces(AdminGuard.Call call) {
        long now = call.now();
        Long from = TimeParam.parse("from", call.query("from"), now);
        Long to = TimeParam.parse("to", call.query("to"), now);
        String cursor = call.query("cursor");
        if (cursor != null && !TRACE_CURSOR.matcher(cursor).matches()) {
            throw SluiceException.invalidRequest("cursor", "Not a cursor from this API; pass next_cursor unchanged.");
        }
        String errors = call.query("errors");
        if (errors != null && !errors.equals("true") && !errors.equals("false")) {
            throw SluiceException.invalidType("errors", "true or false");
        }
        SpanReader.TraceQuery q = new SpanReader.TraceQuery(from == null ? null : from * 1_000_000,
                to == null ? null : to * 1_000_000, call.query("service"), call.query("name"), call.query("session"),
                longParam(call, "min_duration_ms"), "true".equals(errors), team(call), cursor);
        SpanReader.TracePage page = spans.search(q, call.limit());
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeArrayFieldStart("data");
            for (SpanReader.TraceSummary t : page.traces()) {
                summary(gen, t);
            }
            gen.writeEndArray();
            gen.writeStringField("next_cursor", page.nextCursor());
            gen.writeEndObject();
        }));
    }

    /** {@code GET /admin/traces/{trace_id}}: the trace as a tree, with its request-log rows. */
    private void trace(AdminGuard.Call call) {
        String traceId = call.path("trace_id").toLowerCase(java.util.Locale.ROOT);
        if (!TRACE_ID.matcher(traceId).matches()) {
            throw SluiceException.invalidRequest("trace_id", "A trace id is 32 hex characters.");
        }
        List<SpanRecord> all = spans.trace(traceId, MAX_TRACE_SPANS);
        if (all.isEmpty()) {
            throw SluiceException.notFound("There is no trace " + traceId + " (spans are stored a moment after"
                    + " they end; retry shortly).");
        }
        String team = call.who.visibleTeam();
        List<SpanRecord> visible = team == null ? all : visibleTo(team, all);
        if (team != null) {
            if (visible.isEmpty()) {
                throw SluiceException.forbidden("forbidden", "This key is limited to team '" + team
                        + "'; trace " + traceId + " belongs to another team.");
            }
        }
        TraceTree tree = TraceTree.of(visible);
        RequestQuery rq = new RequestQuery(null, null, null, team, null, null, null, null, null, null, null, null, null,
                traceId, null, null, null);
        List<RequestRecord> rows = requests.search(rq, 100, null, null).rows();
        long start = visible.stream().mapToLong(SpanRecord::startNanos).min().orElse(0);
        long end = visible.stream().mapToLong(SpanRecord::endNanos).max().orElse(0);
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "trace");
            gen.writeStringField("trace_id", traceId);
            gen.writeNumberField("span_count", tree.size());
            gen.writeBooleanField("truncated", all.size() >= MAX_TRACE_SPANS);
            gen.writeStringField("start", Instant.ofEpochSecond(0, start).toString());
            gen.writeNumberField("duration_ms", (end - start) / 1e6);
            gen.writeArrayFieldStart("services");
            for (String s : visible.stream().map(SpanRecord::service).filter(java.util.Objects::nonNull).distinct().toList()) {
                gen.writeString(s);
            }
            gen.writeEndArray();
            tree.write(gen);
            gen.writeArrayFieldStart("requests");
            for (RequestRecord r : rows) {
                AdminJson.record(gen, r);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }

    /** The spans of {@code team} (the store's team column, compared exactly). */
    private static List<SpanRecord> visibleTo(String team, List<SpanRecord> all) {
        return all.stream().filter(s -> team.equals(s.team())).toList();
    }

    /** {@code GET /admin/sessions/{id}}: the session's traces in order, its requests, and totals. */
    private void session(AdminGuard.Call call) {
        String session = call.path("id");
        String team = call.who.visibleTeam();
        SpanReader.TracePage page = spans.search(new SpanReader.TraceQuery(null, null, null, null, session, null,
                false, team, null), 1000);
        List<SpanReader.TraceSummary> traces = new ArrayList<>(page.traces());
        java.util.Collections.reverse(traces); // oldest first
        RequestQuery rq = new RequestQuery(null, null, null, team, null, null, null, null, null, null, null, null,
                session, null, null, null, null);
        RequestSearch.Page page2 = requests.search(rq, 1000, null, null);
        List<RequestRecord> rows = new ArrayList<>(page2.rows());
        java.util.Collections.reverse(rows); // oldest first
        if (traces.isEmpty() && rows.isEmpty()) {
            throw SluiceException.notFound("There is no session '" + session + "'"
                    + (team == null ? "." : " visible to team '" + team + "'."));
        }
        long tokensIn = 0;
        long tokensOut = 0;
        double cost = 0;
        long errors = 0;
        for (RequestRecord r : rows) {
            tokensIn += r.tokensIn() == null ? 0 : r.tokensIn();
            tokensOut += r.tokensOut() == null ? 0 : r.tokensOut();
            cost += r.costUsd() == null ? 0 : r.costUsd();
            errors += r.status() >= 400 ? 1 : 0;
        }
        long firstMs = Long.MAX_VALUE;
        long lastMs = Long.MIN_VALUE;
        for (SpanReader.TraceSummary t : traces) {
            firstMs = Math.min(firstMs, t.startNanos() / 1_000_000);
            lastMs = Math.max(lastMs, t.endNanos() / 1_000_000);
        }
        for (RequestRecord r : rows) {
            firstMs = Math.min(firstMs, r.ts());
            lastMs = Math.max(lastMs, r.ts() + r.latencyMs());
        }
        final long totalIn = tokensIn;
        final long totalOut = tokensOut;
        final double totalCost = cost;
        final long totalErrors = errors;
        final long first = firstMs;
        final long last = lastMs;
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "session");
            gen.writeStringField("id", session);
            gen.writeObjectFieldStart("totals");
            gen.writeNumberField("traces", traces.size());
            gen.writeNumberField("requests", rows.size());
            gen.writeNumberField("errors", totalErrors);
            gen.writeNumberField("tokens_in", totalIn);
            gen.writeNumberField("tokens_out", totalOut);
            gen.writeNumberField("cost_usd", Math.round(totalCost * 1e9) / 1e9);
            gen.writeStringField("start", Instant.ofEpochMilli(first).toString());
            gen.writeStringField("end", Instant.ofEpochMilli(last).toString());
            gen.writeNumberField("duration_ms", last - first);
            gen.writeEndObject();
            gen.writeArrayFieldStart("traces");
            for (SpanReader.TraceSummary t : traces) {
                summary(gen, t);
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("requests");
            for (RequestRecord r : rows) {
                AdminJson.record(gen, r);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }

    /** {@code GET /admin/analytics/stats} */
    private void stats(AdminGuard.Call call) {
        RequestQuery query = requestQuery(call);
        Duration bucket = TimeParam.bucket(call.query("bucket"));
        List<String> groupBy = Stats.groupBy(call.http.queryAll("group_by"));
        if (bucket != null && query.fromMillis() != null && query.toMillis() != null
                && (query.toMillis() - query.fromMillis()) / bucket.toMillis() > caps.maxGroups()) {
            throw new SluiceException(400, "invalid_request_error", "query_too_large", "bucket", "More than "
                    + caps.maxGroups() + " buckets (analytics.max_groups); use a wider bucket or a shorter range.");
        }
        String exact = call.query("exact");
        if (exact != null && !exact.equals("true") && !exact.equals("false")) {
            throw SluiceException.invalidRequest("exact", "exact is true (read the raw log: exact percentiles) or false"
                    + " (the default: rollups where they can answer).");
        }
        Stats.Result result = Stats.compute(stats, query, new Stats.Spec(query.fromMillis(), query.toMillis(), bucket,
                groupBy, caps.maxRows(), caps.maxGroups(), caps.queryTimeout(), "true".equals(exact)));
        call.http.streamJson(200, result);
    }

    /** The request filters of the query string, limited to the caller's team when the key is team-limited. */
    static RequestQuery requestQuery(AdminGuard.Call call) {
        long now = call.now();
        Long from = TimeParam.parse("from", call.query("from"), now);
        Long to = TimeParam.parse("to", call.query("to"), now);
        if (from != null && to != null && to < from) {
            throw SluiceException.invalidRequest("to", "to is before from.");
        }
        String status = call.query("status");
        if (!RequestQuery.validStatus(status)) {
            throw SluiceException.invalidRequest("status", "'" + status + "' is not a status filter. Use a code (429),"
                    + " a class (5xx, 4xx), error (any status >= 400) or ok.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String tag : call.http.queryAll("tag")) {
            int colon = tag.indexOf(':');
            if (colon <= 0) {
                throw SluiceException.invalidRequest("tag", "'" + tag + "' is not a tag filter; write tag=name:value.");
            }
            tags.put(tag.substring(0, colon), tag.substring(colon + 1));
        }
        Double minCost = null;
        String cost = call.query("min_cost");
        if (cost != null) {
            try {
                minCost = Double.parseDouble(cost);
            } catch (NumberFormatException e) {
                throw SluiceException.invalidType("min_cost", "a number (USD)");
            }
        }
        String key = call.query("key") != null ? call.query("key") : call.query("key_id");
        return new RequestQuery(from, to, key, team(call), call.query("user"), call.query("model"),
                call.query("provider"), status, call.query("error_type"), tags, longParam(call, "min_latency_ms"), minCost,
                call.query("session"), call.query("trace_id"), call.query("request_id"), call.query("operation"),
                call.query("cache_status"), guardrail(call));
    }

    /** The {@code guardrail} filter: a scanner, stage:scanner, scanner:action or a whole trigger. */
    private static String guardrail(AdminGuard.Call call) {
        String g = call.query("guardrail");
        if (!RequestQuery.validGuardrail(g)) {
            throw SluiceException.invalidRequest("guardrail", "'" + g + "' is not a guardrail filter: give a scanner (pii),"
                    + " stage:scanner (input:pii), scanner:action (pii:redact) or a whole trigger (input:pii:redact(email)).");
        }
        return g;
    }

    /** The team filter: the one asked for, or for team-limited keys their own (403 for another). */
    private static String team(AdminGuard.Call call) {
        String team = call.query("team");
        AdminIdentity who = call.who;
        if (who.visibleTeam() != null) {
            who.requireRead(team == null ? who.visibleTeam() : team, "analytics");
            return who.visibleTeam();
        }
        return team;
    }

    private static Long longParam(AdminGuard.Call call, String name) {
        String text = call.query(name);
        if (text == null) {
            return null;
        }
        try {
            long v = Long.parseLong(text);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw SluiceException.invalidType(name, "a non-negative integer");
        }
    }

    private static Long cursor(AdminGuard.Call call, String name) {
        String text = call.query(name);
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw SluiceException.invalidRequest(name, "Not a cursor from this API; pass next_cursor or tail_cursor unchanged.");
        }
    }

    private static void summary(JsonGenerator gen, SpanReader.TraceSummary t) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("trace_id", t.traceId());
        gen.writeStringField("start", Instant.ofEpochSecond(0, t.startNanos()).toString());
        gen.writeNumberField("duration_ms", (t.endNanos() - t.startNanos()) / 1e6);
        gen.writeNumberField("spans", t.spans());
        gen.writeNumberField("errors", t.errors());
        gen.writeStringField("root_name", t.rootName());
        gen.writeStringField("root_service", t.rootService());
        gen.writeStringField("session_id", t.session());
        gen.writeStringField("model", t.model());
        gen.writeEndObject();
    }
}
