package dev.sluice.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The request-log filters of {@code sluice logs tail} and {@code sluice stats}, as query parameters. */
final class AnalyticsFilters {
    @Option(names = "--key", description = "Only this virtual key id.")
    String key;
    @Option(names = "--team", description = "Only this team.")
    String team;
    @Option(names = "--user", description = "Only this end user.")
    String user;
    @Option(names = "--model", description = "Only this (requested) model.")
    String model;
    @Option(names = "--provider", description = "Only this provider.")
    String provider;
    @Option(names = "--status", description = "A code (429), a class (5xx), error (>= 400) or ok.")
    String status;
    @Option(names = "--error-type", description = "Only this error type, e.g. rate_limited.")
    String errorType;
    @Option(names = "--tag", description = "name:value; repeat to require several tags.")
    List<String> tags = new ArrayList<>();
    @Option(names = "--min-latency-ms", description = "Only requests at least this slow.")
    Long minLatencyMs;
    @Option(names = "--min-cost", description = "Only requests costing at least this much (USD).")
    Double minCost;
    @Option(names = "--session", description = "Only this session.")
    String session;
    @Option(names = "--trace-id", description = "Only this trace.")
    String traceId;
    @Option(names = "--operation", description = "chat or embeddings.")
    String operation;
    @Option(names = "--cache-status", description = "hit, semantic-hit, miss or bypass.")
    String cacheStatus;
    @Option(names = "--guardrail", description = "Only requests a guardrail acted on: a scanner (pii), input:pii, pii:redact"
            + " or a whole trigger (input:pii:redact(email)).")
    String guardrail;

    /** The filters as {@code &name=value} pairs (empty when none). */
    String query() {
        StringBuilder q = new StringBuilder();
        add(q, "key", key);
        add(q, "team", team);
        add(q, "user", user);
        add(q, "model", model);
        add(q, "provider", provider);
        add(q, "status", status);
        add(q, "error_type", errorType);
        for (String tag : tags) {
            add(q, "tag", tag);
        }
        add(q, "min_latency_ms", minLatencyMs == null ? null : minLatencyMs.toString());
        add(q, "min_cost", minCost == null ? null : minCost.toString());
        add(q, "session", session);
        add(q, "trace_id", traceId);
        add(q, "operation", operation);
        add(q, "cache_status", cacheStatus);
        add(q, "guardrail", guardrail);
        return q.toString();
    }

    static void add(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
