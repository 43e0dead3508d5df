package dev.sluice.analytics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.store.RequestQuery;
import dev.sluice.store.Rollups;
import dev.sluice.store.StatsReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Aggregates over the request log: per time bucket and group, the request count, errors by type,
 * latency and time-to-first-token percentiles (p50/p90/p99, exact, nearest rank, computed here so
 * SQLite and PostgreSQL agree), tokens, cost and cache hits.
 *
 * <p>Buckets are aligned to multiples of their width since the epoch (UTC), so {@code 1h} buckets
 * start on the hour and {@code 1d} buckets at UTC midnight; without a width everything is one bucket.
 * Feedback ({@code POST /v1/feedback}) counts in the bucket and group of the request it rates.
 *
 * <p>Memory is bounded by the caps of {@link Spec}: the groups, and two longs per row for the exact
 * percentiles. The answer is written straight to the client ({@link Result}), not built first.
 */
public final class Stats {
    /** Dimensions rows can be grouped by, besides {@code tag:<name>}. */
    public static final Set<String> DIMENSIONS = Set.of("model", "provider", "key", "team", "user", "operation", "status",
            "error_type", "cache_status", "prompt", "prompt_version", "experiment", "variant");
    public static final int MAX_GROUP_BY = 3;

    /**
     * What one aggregate may cost. Every cap is a clear 400 naming it, never a silently cut answer:
     * a partial aggregate would look like a real one.
     *
     * @param bucket    null = one bucket for the whole range
     * @param maxRows   more matching rows than this is a 400 asking to narrow the query
     * @param maxGroups more (bucket, group) pairs than this is a 400 naming the cap
     * @param timeout   the whole aggregate (both scans) must finish within this, else a 400
     * @param exact     read the raw log even where rollups could answer: exact nearest-rank percentiles,
     *                  at the cost of a scan (capped by {@code maxRows})
     */
    public record Spec(Long fromMillis, Long toMillis, Duration bucket, List<String> groupBy, long maxRows,
                       int maxGroups, Duration timeout, boolean exact) {
        /** Answered from rollups where they can. */
        public Spec(Long fromMillis, Long toMillis, Duration bucket, List<String> groupBy, long maxRows, int maxGroups,
                    Duration timeout) {
            this(fromMillis, toMillis, bucket, groupBy, maxRows, maxGroups, timeout, false);
        }
    }

    private Stats() {}

    /** Checks group_by: at most 3 known dimensions or {@code tag:<name>}, no repeats. */
    public static List<String> groupBy(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String item : raw) {
            for (String part : item.split(",")) {
                String g = part.strip();
                if (g.isEmpty()) {
                    continue;
                }
                if (!DIMENSIONS.contains(g) && !(g.startsWith("tag:") && g.length() > 4)) {
                    throw SluiceException.invalidRequest("group_by", "Cannot group by '" + g + "'. Use up to "
                            + MAX_GROUP_BY + " of " + String.join(", ", DIMENSIONS.stream().sorted().toList())
                            + ", or tag:<name>.");
                }
                if (out.contains(g)) {
                    throw SluiceException.invalidRequest("group_by", "'" + g + "' appears twice in group_by.");
                }
                out.add(g);
            }
        }
        if (out.size() > MAX_GROUP_BY) {
            throw SluiceException.invalidRequest("group_by", "Group by at most " + MAX_GROUP_BY + " dimensions.");
        }
        return out;
    }

    /**
     * Runs the aggregate (the request-log rows, then the feedback on them) within the spec's caps
     * and deadline; the answer is written later, straight to the client, by {@link Result#write}.
     */
    public static Result compute(StatsReader reader, RequestQuery query, Spec spec) {
        Map<Key, Group> groups = new HashMap<>();
        long bucketMillis = spec.bucket() == null ? 0 : spec.bucket().toMillis();
        boolean needTags = spec.groupBy().stream().anyMatch(g -> g.startsWith("tag:") || g.equals("prompt_version"));
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        long[] scanned = {0};
        boolean[] tooMany = {false};
        List<StatsReader.Segment> plan = spec.exact() ? null : reader.plan(query, bucketMillis, spec.groupBy());
        StatsReader.Sink<StatsReader.Row> raw = row -> {
            if (++scanned[0] > spec.maxRows()) {
                tooMany[0] = true;
                return false;
            }
            group(groups, key(row, bucketMillis, needTags, spec.groupBy()), spec).add(row);
            return true;
        };
        try {
            if (plan == null) {
                reader.scan(query, needTags, deadline, raw);
            } else {
                long[] fromRollups = {0};
                // one query for every rollup level (and one for the raw edges)
                List<StatsReader.Segment> rollupSegments = new ArrayList<>();
                List<StatsReader.Segment> rawEdges = new ArrayList<>();
                for (StatsReader.Segment segment : plan) {
                    (segment.level() == null ? rawEdges : rollupSegments).add(segment);
                }
                if (!rollupSegments.isEmpty()) {
                    reader.scanRollup(rollupSegments, query, bucketMillis, spec.groupBy(), deadline, cell -> {
                        long bucket = bucketMillis == 0 ? Long.MIN_VALUE : cell.bucket();
                        group(groups, new Key(bucket, cell.group()), spec).add(cell);
                        fromRollups[0] += cell.requests();
                        return true;
                    });
                }
                if (!rawEdges.isEmpty()) {
                    reader.scan(rawEdges, query, needTags, deadline, raw);
                }
                scanned[0] += fromRollups[0];
            }
            if (tooMany[0]) {
                throw tooLarge(null, "More than " + spec.maxRows() + " requests match (the cap is analytics.max_rows);"
                        + " narrow the time range (from/to) or add filters.");
            }
            StatsReader.Sink<StatsReader.FeedbackRow> feedback = f -> {
                Group group = groups.get(key(f.request(), bucketMillis, needTags, spec.groupBy()));
                if (group != null) { // null only for a request written between the two scans
                    group.feedback.add(f);
                }
                return true;
            };
            if (plan == null) {
                reader.scanFeedback(query, needTags, deadline, feedback);
            } else {
                reader.scanFeedbackOfRated(query, needTags, deadline, feedback);
            }
        } catch (StatsReader.TooSlow e) {
            throw new SluiceException(400, "invalid_request_error", "query_timeout", null, "The aggregate took longer"
                    + " than " + spec.timeout().toMillis() + " ms (analytics.query_timeout); narrow the time range"
                    + " (from/to) or add filters.");
        }
        List<Map.Entry<Key, Group>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Map.Entry.comparingByKey(Key.ORDER));
        return new Result(spec, bucketMillis, scanned[0], sorted, plan != null);
    }

    private static Group group(Map<Key, Group> groups, Key key, Spec spec) {
        Group group = groups.get(key);
        if (group == null) {
            if (groups.size() >= spec.maxGroups()) {
                throw tooLarge("group_by", "More than " + spec.maxGroups() + " groups (time buckets x group_by"
                        + " values; the cap is analytics.max_groups); use a wider bucket, fewer group_by"
                        + " dimensions, a shorter range or filters.");
            }
            group = new Group();
            groups.put(key, group);
        }
        return group;
    }

    private static SluiceException tooLarge(String param, String message) {
        return new SluiceException(400, "invalid_request_error", "query_too_large", param, message);
    }

    private static Key key(StatsReader.Row row, long bucketMillis, boolean needTags, List<String> groupBy) {
        long bucket = bucketMillis == 0 ? Long.MIN_VALUE : Math.floorDiv(row.ts(), bucketMillis) * bucketMillis;
        JsonNode tags = needTags ? tags(row.tags()) : null;
        String[] values = new String[groupBy.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(groupBy.get(i), row, tags);
        }
        return new Key(bucket, values);
    }

    /** A computed aggregate, sorted by bucket then group, ready to be written. */
    public static final class Result implements Json.Writer {
        private final Spec spec;
        private final long bucketMillis;
        private final long requests;
        private final List<Map.Entry<Key, Group>> groups;
        private final boolean rollups;

        private Result(Spec spec, long bucketMillis, long requests, List<Map.Entry<Key, Group>> groups, boolean rollups) {
            this.rollups = rollups;
            this.spec = spec;
            this.bucketMillis = bucketMillis;
            this.requests = requests;
            this.groups = groups;
        }

        @Override
        public void write(JsonGenerator gen) throws IOException {
            gen.writeStartObject();
            gen.writeStringField("object", "stats");
            instant(gen, "from", spec.fromMillis());
            instant(gen, "to", spec.toMillis());
            if (spec.bucket() == null) {
                gen.writeNullField("bucket");
            } else {
                gen.writeStringField("bucket", width(bucketMillis));
                gen.writeNumberField("bucket_ms", bucketMillis);
            }
            gen.writeArrayFieldStart("group_by");
            for (String g : spec.groupBy()) {
                gen.writeString(g);
            }
            gen.writeEndArray();
            gen.writeNumberField("requests", requests);
            // rollups: counts, tokens and cost exact; percentiles from log-scale histograms (within 12.3%)
            gen.writeStringField("source", rollups ? "rollups" : "raw");
            gen.writeArrayFieldStart("data");
            for (Map.Entry<Key, Group> e : groups) {
                Stats.write(gen, e.getKey(), e.getValue(), spec);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }

        /** The whole answer as bytes (for tests and small answers). */
        public byte[] bytes() {
            return Json.write(this);
        }
    }

    private static void write(JsonGenerator gen, Key key, Group g, Spec spec) throws IOException {
        gen.writeStartObject();
        if (key.bucket() == Long.MIN_VALUE) {
            instant(gen, "bucket_start", spec.fromMillis());
        } else {
            gen.writeStringField("bucket_start", Instant.ofEpochMilli(key.bucket()).toString());
        }
        gen.writeObjectFieldStart("group");
        for (int i = 0; i < key.values().length; i++) {
            gen.writeStringField(spec.groupBy().get(i), key.values()[i]);
        }
        gen.writeEndObject();
        gen.writeNumberField("count", g.count);
        gen.writeNumberField("errors", g.errors);
        gen.writeNumberField("error_rate", ratio(g.errors, g.count));
        gen.writeObjectFieldStart("errors_by_type");
        for (Map.Entry<String, Long> e : new TreeMap<>(g.errorTypes).entrySet()) {
            gen.writeObjectFieldStart(e.getKey());
            gen.writeNumberField("count", e.getValue());
            gen.writeNumberField("rate", ratio(e.getValue(), g.count));
            gen.writeEndObject();
        }
        gen.writeEndObject();
        percentiles(gen, "latency_ms", g.latency, g.latencyHistogram);
        percentiles(gen, "ttft_ms", g.ttft, g.ttftHistogram);
        gen.writeObjectFieldStart("tokens");
        gen.writeNumberField("input", g.tokensIn);
        gen.writeNumberField("output", g.tokensOut);
        gen.writeNumberField("total", g.tokensIn + g.tokensOut);
        gen.writeEndObject();
        gen.writeNumberField("cost_usd", Math.round(g.cost * 1e9) / 1e9);
        gen.writeNumberField("cache_hits", g.cacheHits);
        gen.writeNumberField("cache_hit_rate", ratio(g.cacheHits, g.count));
        gen.writeFieldName("feedback");
        g.feedback.write(gen);
        gen.writeEndObject();
    }

    /** Exact when every value is at hand; from the histogram (the raw values counted in) when rollups added some. */
    private static void percentiles(JsonGenerator gen, String field, Percentiles p, long[] histogram) throws IOException {
        long[] merged = null;
        long count = p.size();
        if (histogram != null) {
            merged = histogram.clone();
            p.addTo(merged);
            count = 0;
            for (long c : merged) {
                count += c;
            }
        }
        gen.writeObjectFieldStart(field);
        gen.writeNumberField("count", count);
        for (int q : new int[] {50, 90, 99}) {
            Long v = merged == null ? p.percentile(q) : Rollups.percentile(merged, q);
            if (v == null) {
                gen.writeNullField("p" + q);
            } else {
                gen.writeNumberField("p" + q, v);
            }
        }
        gen.writeEndObject();
    }

    private static String width(long millis) {
        long s = millis / 1000;
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : Math.round(part * 1_000_000.0 / whole) / 1_000_000.0;
    }

    private static void instant(JsonGenerator gen, String field, Long millis) throws IOException {
        if (millis == null) {
            gen.writeNullField(field);
        } else {
            gen.writeStringField(field, Instant.ofEpochMilli(millis).toString());
        }
    }

    private static JsonNode tags(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private static String value(String dimension, StatsReader.Row row, JsonNode tags) {
        return switch (dimension) {
            case "model" -> row.model();
            case "provider" -> row.provider();
            case "key" -> row.keyId();
            case "team" -> row.team();
            case "user" -> row.user();
            case "operation" -> row.operation();
            case "status" -> Integer.toString(row.status());
            case "error_type" -> row.errorType();
            case "cache_status" -> row.cacheStatus();
            case "prompt" -> row.prompt();
            // a stored prompt's version (NAME@VERSION); else the prompt_version tag of apps that render their own
            case "prompt_version" -> row.prompt() != null ? row.prompt() + "@" + row.promptVersion() : tag(tags, "prompt_version");
            case "experiment" -> row.experiment();
            case "variant" -> row.variant();
            default -> tag(tags, dimension.substring(4));
        };
    }

    private static String tag(JsonNode tags, String name) {
        if (tags == null) {
            return null;
        }
        JsonNode v = tags.get(name);
        return v == null || v.isNull() ? null : v.asText();
    }

    private record Key(long bucket, String[] values) {
        static final Comparator<Key> ORDER = Comparator.comparingLong(Key::bucket)
                .thenComparing(Key::values, Arrays::compare);

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.bucket == bucket && Arrays.equals(k.values, values);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(bucket) * 31 + Arrays.hashCode(values);
        }
    }

    private static final class Group {
        long count;
        long errors;
        long tokensIn;
        long tokensOut;
        long cacheHits;
        double cost;
        final Map<String, Long> errorTypes = new HashMap<>();
        final Percentiles latency = new Percentiles();
        final Percentiles ttft = new Percentiles();
        final FeedbackTally feedback = new FeedbackTally();
        /** Null until a rollup cell is added. */
        long[] latencyHistogram;
        long[] ttftHistogram;

        void add(StatsReader.RollupRow cell) {
            long n = cell.requests();
            count += n;
            if (cell.status() >= 400) {
                errors += n;
                errorTypes.merge(cell.errorType() == null ? "unknown" : cell.errorType(), n, Long::sum);
            }
            if (latencyHistogram == null) {
                latencyHistogram = new long[Rollups.BUCKETS];
                ttftHistogram = new long[Rollups.BUCKETS];
            }
            for (int k = 0; k < Rollups.BUCKETS; k++) {
                latencyHistogram[k] += cell.latency()[k];
                ttftHistogram[k] += cell.ttft()[k];
            }
            tokensIn += cell.tokensIn();
            tokensOut += cell.tokensOut();
            cost += cell.cost();
            if ("hit".equals(cell.cacheStatus()) || "semantic-hit".equals(cell.cacheStatus())) {
                cacheHits += n;
            }
        }

        void add(StatsReader.Row row) {
            count++;
            if (row.status() >= 400) {
                errors++;
                errorTypes.merge(row.errorType() == null ? "unknown" : row.errorType(), 1L, Long::sum);
            }
            latency.add(row.latencyMs());
            if (row.ttftMs() >= 0) {
                ttft.add(row.ttftMs());
            }
            tokensIn += row.tokensIn();
            tokensOut += row.tokensOut();
            cost += row.cost();
            if ("hit".equals(row.cacheStatus()) || "semantic-hit".equals(row.cacheStatus())) {
                cacheHits++;
            }
        }
    }
}
