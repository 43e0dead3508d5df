package dev.sluice.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.TestGateway;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile input on every public endpoint ({@code /v1/*}, OTLP ingest, feedback, {@code /admin/*},
 * {@code /metrics}): every field of every body replaced by each value of {@link HostileValues},
 * bodies that are not the expected JSON, hostile query parameters and path ids, many unique ids.
 * Asserts no 5xx (and a clear OpenAI-format error for each 4xx), heap back near its baseline after
 * GC, and a bounded store growth per refused request. Seeded and run with a few clients at once so it
 * stays well under a minute.
 */
@DisplayName("Abuse: hostile input on every public endpoint never gets a 5xx, leaks memory or fills the store")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbuseTest {
    static final long SEED = 14;
    static final String CONFIG = """
            metrics: {}
            cache:
              scope: key
              semantic: {enabled: false}
            tracing: {capture: full}
            """;
    static TestGateway gw;
    static HttpClient client;
    static Map<String, String> virtualKey;
    static final Map<String, String> OWNER = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
    static String keyId;
    /** A key and a team the admin probes edit, rotate and limit, so the key the /v1 probes use stays as it is. */
    static String editedKeyId;
    static String requestId;
    static final AtomicInteger unique = new AtomicInteger();

    /** One request of the corpus and what it is, for the failure message. */
    record Probe(String what, String method, String path, byte[] body, String contentType, Map<String, String> headers) {}

    /** What came back that must not: a 5xx, an I/O failure, a 4xx without an OpenAI-format error. */
    record Failure(String what, int status, String detail) {}

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), CONFIG, Clock.systemUTC());
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode key = gw.createKey(Json.object().put("name", "abuse").put("team", "abusers"));
        virtualKey = Map.of("authorization", "Bearer " + key.path("key").asText());
        keyId = key.path("id").asText();
        editedKeyId = gw.createKey(Json.object().put("name", "edited").put("team", "edited")).path("id").asText();
        Probe chat = new Probe("warm-up", "POST", "/v1/chat/completions",
                chatBody(Map.of()).getBytes(StandardCharsets.UTF_8), "application/json", virtualKey);
        requestId = send(chat).headers().firstValue("x-request-id").orElseThrow();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static String chatBody(Map<String, String> override) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("model", "\"gpt-4o-mini\"");
        f.put("messages", "[{\"role\":\"user\",\"content\":\"hi\"}]");
        f.put("user", "\"abuser\"");
        f.put("metadata", "{\"feature\":\"fuzz\"}");
        f.put("temperature", "0");
        f.put("max_tokens", "5");
        f.putAll(override);
        return HostileValues.object(f);
    }

    /** Endpoints that take a JSON object: their well-formed body, field by field (raw JSON), and the caller. */
    record Template(String method, String path, Map<String, String> fields, Map<String, String> auth) {}

    static List<Template> templates() {
        List<Template> t = new ArrayList<>();
        t.add(new Template("POST", "/v1/chat/completions", fields(
                "model", "\"gpt-4o-mini\"", "messages", "[{\"role\":\"user\",\"content\":\"hi\"}]", "user", "\"u\"",
                "metadata", "{\"a\":\"b\"}", "temperature", "0", "max_tokens", "5", "stream", "false", "n", "1",
                "stop", "[\"x\"]", "tools", "[]", "response_format", "{\"type\":\"text\"}", "seed", "1"), virtualKey));
        t.add(new Template("POST", "/v1/chat/completions", fields("model", "\"gpt-4o-mini\"",
                "messages", "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":null,"
                        + "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]",
                "stream", "true"), virtualKey));
        t.add(new Template("POST", "/v1/embeddings", fields("model", "\"text-embedding-3-small\"", "input", "\"hi\"",
                "encoding_format", "\"float\"", "dimensions", "8", "user", "\"u\""), virtualKey));
        t.add(new Template("POST", "/v1/feedback", fields("request_id", Json.string(requestId), "value", "\"up\"",
                "name", "\"rating\"", "comment", "\"ok\"", "user", "\"u\""), virtualKey));
        t.add(new Template("POST", "/v1/traces", fields("resourceSpans", "[{\"resource\":{\"attributes\":[{\"key\":"
                + "\"service.name\",\"value\":{\"stringValue\":\"fuzz\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                + "\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\",\"name\":\"n\","
                + "\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\"}]}]}]"),
                virtualKey));
        t.add(new Template("POST", "/admin/keys", fields("name", "\"k\"", "models", "[\"gpt-4o-mini\"]", "scopes", "[]",
                "expires_in", "\"1h\"", "team", "\"abusers\"", "metadata", "{\"a\":\"b\"}", "limits", "{\"rpm\":10}",
                "budget", "{\"daily_usd\":1}"), OWNER));
        t.add(new Template("PATCH", "/admin/keys/" + editedKeyId, fields("name", "\"k\"", "models", "[\"gpt-4o-mini\"]",
                "expires_at", "\"2099-01-01T00:00:00Z\"", "metadata", "{}", "limits", "{\"tpm\":100000}"), OWNER));
        t.add(new Template("POST", "/admin/keys/" + editedKeyId + "/rotate", fields("grace", "\"1h\""), OWNER));
        t.add(new Template("POST", "/admin/teams", fields("id", "UNIQUE", "name", "\"t\"", "limits", "{\"rpm\":5}",
                "budget", "{\"monthly_usd\":3}", "metadata", "{}"), OWNER));
        t.add(new Template("PATCH", "/admin/teams/edited", fields("name", "\"t\"", "limits", "{\"concurrency\":5}",
                "budget", "{\"daily_usd\":2}", "metadata", "{\"x\":\"y\"}"), OWNER));
        t.add(new Template("POST", "/admin/admin-keys", fields("name", "\"a\"", "role", "\"viewer\"",
                "team", "\"abusers\""), OWNER));
        return t;
    }

    static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static List<Probe> bodyProbes(Random random) {
        List<Probe> probes = new ArrayList<>();
        Map<String, String> values = HostileValues.values();
        for (Template t : templates()) {
            for (String field : t.fields().keySet()) {
                for (Map.Entry<String, String> v : values.entrySet()) {
                    Map<String, String> f = new LinkedHashMap<>(t.fields());
                    f.replaceAll((k, old) -> old.equals("UNIQUE") ? "\"fuzz-team-" + unique.incrementAndGet() + "\"" : old);
                    f.put(field, v.getValue());
                    probes.add(new Probe(t.method() + " " + t.path() + " " + field + " = " + v.getKey(), t.method(), t.path(),
                            HostileValues.object(f).getBytes(StandardCharsets.UTF_8), "application/json", t.auth()));
                }
            }
            for (Map.Entry<String, byte[]> b : HostileValues.bodies(random).entrySet()) {
                probes.add(new Probe(t.method() + " " + t.path() + " body = " + b.getKey(), t.method(), t.path(), b.getValue(),
                        "application/json", t.auth()));
            }
            probes.add(new Probe(t.method() + " " + t.path() + " as text/plain", t.method(), t.path(),
                    HostileValues.object(t.fields()).getBytes(StandardCharsets.UTF_8), "text/plain", t.auth()));
        }
        byte[] noise = new byte[32 * 1024];
        random.nextBytes(noise);
        probes.add(new Probe("OTLP protobuf noise", "POST", "/v1/traces", noise, "application/x-protobuf", virtualKey));
        probes.add(new Probe("OTLP gzip noise", "POST", "/v1/traces", noise, "application/x-protobuf",
                Map.of("authorization", virtualKey.get("authorization"), "content-encoding", "gzip")));
        return probes;
    }

    static final List<String> HOSTILE_TEXT = List.of("", "a".repeat(20_000), "\u0000\uD800\u202E𝕏 زمان", "-1", "0",
            "1e400", "99999999999999999999", "*", "%", "'", "../../etc/passwd", "2026-13-45T99:99:99Z", "now-1000000000d",
            "true", "[]", "{}", "a,b,c,,,", "model,model,model,provider,key,team,user,name");

    static List<Probe> queryAndPathProbes() {
        Map<String, List<String>> queries = new LinkedHashMap<>();
        queries.put("/admin/logs", List.of("limit", "request_id", "key_id", "team"));
        queries.put("/admin/audit", List.of("limit", "action", "actor", "team"));
        queries.put("/admin/analytics/requests", List.of("from", "to", "status", "tag", "model", "limit", "after", "cursor"));
        queries.put("/admin/analytics/traces", List.of("service", "name", "errors", "from", "to", "limit", "cursor"));
        queries.put("/admin/analytics/stats", List.of("from", "to", "bucket", "group_by", "model"));
        queries.put("/admin/feedback", List.of("request_id", "trace_id", "name", "key_id", "team", "user", "from", "limit"));
        queries.put("/admin/feedback/summary", List.of("from", "to", "group_by"));
        queries.put("/admin/cache", List.of("team"));
        List<Probe> probes = new ArrayList<>();
        queries.forEach((path, params) -> {
            for (String p : params) {
                for (String v : HOSTILE_TEXT) {
                    String q = path + "?" + p + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8);
                    probes.add(new Probe("GET " + q.substring(0, Math.min(q.length(), 80)), "GET", q, null, null, OWNER));
                }
            }
        });
        for (String v : HOSTILE_TEXT) {
            String q = "?key_id=" + URLEncoder.encode(v, StandardCharsets.UTF_8) + "&model=" + URLEncoder.encode(v, StandardCharsets.UTF_8);
            probes.add(new Probe("DELETE /admin/cache" + q.substring(0, Math.min(q.length(), 60)), "DELETE", "/admin/cache" + q,
                    null, null, OWNER));
            String id = URLEncoder.encode(v.isEmpty() ? "x" : v, StandardCharsets.UTF_8).replace("+", "%20");
            for (String path : List.of("GET /admin/keys/", "GET /admin/teams/", "GET /admin/traces/", "GET /admin/sessions/",
                    "DELETE /admin/users/", "DELETE /admin/admin-keys/", "DELETE /admin/keys/")) {
                String[] mp = path.split(" ");
                probes.add(new Probe(path + v.substring(0, Math.min(v.length(), 30)), mp[0], mp[1] + id, null, null, OWNER));
            }
        }
        for (Map<String, String> headers : List.of(
                Map.of("x-request-id", "x".repeat(10_000)), Map.of("x-request-id", "\u00e9\u00e8"),
                Map.of("x-sluice-user", "u".repeat(8_000)), Map.of("x-sluice-cache", "ttl=-1, no-store, ttl=99999999d"),
                Map.of("x-sluice-deployment", "../../x"), Map.of("traceparent", "00-zz-zz-01"),
                Map.of("content-encoding", "br"))) {
            Map<String, String> h = new LinkedHashMap<>(virtualKey);
            h.putAll(headers);
            probes.add(new Probe("chat with header " + headers.keySet(), "POST", "/v1/chat/completions",
                    chatBody(Map.of()).getBytes(StandardCharsets.UTF_8), "application/json", h));
        }
        probes.add(new Probe("GET /v1/models", "GET", "/v1/models", null, null, virtualKey));
        probes.add(new Probe("GET /metrics", "GET", "/metrics", null, null, Map.of()));
        probes.add(new Probe("GET /metrics bad token", "GET", "/metrics", null, null, Map.of("authorization", "Bearer \u00ff")));
        probes.add(new Probe("bearer of 8 KB", "GET", "/admin/keys", null, null, Map.of("authorization", "Bearer " + "k".repeat(8_000))));
        probes.add(new Probe("basic auth", "GET", "/admin/keys", null, null, Map.of("authorization", "Basic YTpi")));
        return probes;
    }

    static HttpResponse<String> send(Probe p) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl().replace("/v1", "") + p.path()))
                    .timeout(Duration.ofSeconds(30));
            p.headers().forEach(b::header);
            if (p.contentType() != null) {
                b.header("content-type", p.contentType());
            }
            b.method(p.method(), p.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(p.body()));
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the probes with a few clients at once; returns what went wrong. */
    static List<Failure> run(List<Probe> probes) throws Exception {
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<?>> done = new ArrayList<>();
            for (Probe p : probes) {
                done.add(pool.submit(() -> check(p, failures)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return failures;
    }

    static void check(Probe p, List<Failure> failures) {
        HttpResponse<String> r;
        try {
            r = send(p);
        } catch (RuntimeException e) {
            failures.add(new Failure(p.what(), -1, e.toString()));
            return;
        }
        if (r.statusCode() >= 500) {
            failures.add(new Failure(p.what(), r.statusCode(), r.body().substring(0, Math.min(300, r.body().length()))));
        } else if (r.statusCode() >= 400) {
            if (p.path().startsWith("/v1/traces") && "application/x-protobuf".equals(p.contentType())) {
                return; // OTLP answers a protobuf exporter with a protobuf Status
            }
            try {
                JsonNode root = Json.MAPPER.readTree(r.body());
                JsonNode error = root.path("error");
                if (p.path().startsWith("/v1/traces")) {
                    error = root; // OTLP/JSON errors are a google.rpc.Status: {"code", "message"}, as exporters expect
                    if (error.path("message").asText().isBlank() || !error.path("code").isInt()) {
                        failures.add(new Failure(p.what(), r.statusCode(), "no OTLP Status: " + r.body()));
                    }
                } else if (error.path("message").asText().isBlank() || error.path("type").asText().isBlank()) {
                    failures.add(new Failure(p.what(), r.statusCode(), "no OpenAI-format error: " + r.body()));
                }
            } catch (IOException | RuntimeException e) {
                failures.add(new Failure(p.what(), r.statusCode(), "not JSON: " + r.body()));
            }
        }
    }

    static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    @Order(1)
    @DisplayName("hostile bodies, fields, query parameters, path ids and headers on every endpoint: no 5xx, clear 4xx")
    void corpus() throws Exception {
        Random random = new Random(SEED);
        List<Probe> probes = new ArrayList<>(bodyProbes(random));
        probes.addAll(queryAndPathProbes());
        List<Failure> failures = run(probes);
        assertThat(failures).as("%d probes", probes.size()).isEmpty();
        assertThat(run(uniqueIds(0, 100))).isEmpty();
    }

    /** Chat requests with unique users, models, metadata keys, request ids and sessions, each up to 60 KB of them. */
    static List<Probe> uniqueIds(int from, int to) {
        List<Probe> uniques = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String n = Integer.toString(i);
            String user = "user-" + n + "-" + "u".repeat(50_000);
            String body = chatBody(Map.of("user", Json.string(user), "model", Json.string("model-" + n + "-" + "m".repeat(10_000)),
                    "metadata", "{\"k" + n + "\":\"" + "v".repeat(1_000) + "\",\"session.id\":\"s" + n + "\"}"));
            Map<String, String> h = new LinkedHashMap<>(virtualKey);
            h.put("x-request-id", "fuzz-" + n);
            uniques.add(new Probe("unique ids " + n, "POST", "/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8),
                    "application/json", h));
            uniques.add(new Probe("unique user " + n, "POST", "/v1/chat/completions",
                    chatBody(Map.of("user", Json.string(user))).getBytes(StandardCharsets.UTF_8), "application/json", h));
        }
        return uniques;
    }

    @Test
    @Order(2)
    @DisplayName("many unique users, models and ids leave the heap, after GC, within 10% of where it was")
    void uniqueIdsLeaveNoHeap() throws Exception {
        assertThat(run(uniqueIds(1_000, 1_100))).as("warm-up").isEmpty();
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(30))).isTrue();
        long baseline = usedHeapAfterGc();
        assertThat(run(uniqueIds(2_000, 2_300))).isEmpty();
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(30))).isTrue();
        long after = usedHeapAfterGc();
        assertThat(after).as("heap after GC: baseline %d MB, after %d MB", baseline >> 20, after >> 20)
                .isLessThanOrEqualTo(baseline + baseline / 10);
    }

    @Test
    @Order(3)
    @DisplayName("a refused request (no key, a wrong key) stores at most 2 KB, whatever its body carries")
    void refusedRequestsStayCheap() throws Exception {
        int n = 60;
        List<Probe> refused = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = chatBody(Map.of("model", Json.string("m".repeat(100_000) + i),
                    "metadata", "{\"big\":\"" + "x".repeat(500_000) + "\",\"k" + i + "\":\"v\"}", "user", Json.string("u".repeat(50_000))));
            Map<String, String> auth = i % 2 == 0 ? Map.of() : Map.of("authorization", "Bearer sk-sluice-wrong" + i);
            refused.add(new Probe("refused " + i, "POST", "/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8),
                    "application/json", auth));
        }
        // what earlier tests' requests still have queued must not count as this test's growth
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(30))).isTrue();
        long before = storeBytes();
        List<Failure> failures = run(refused);
        assertThat(failures).isEmpty();
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(30))).isTrue();
        long grown = storeBytes() - before;
        assertThat(grown / n).as("bytes stored per refused request (%d in all)", grown).isLessThanOrEqualTo(2048);
    }

    /** The SQLite store's size on disk, its write-ahead log folded in first. */
    static long storeBytes() throws Exception {
        Path db = gw.dir().resolve("sluice.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Path wal = db.resolveSibling("sluice.db-wal");
        return Files.size(db) + (Files.exists(wal) ? Files.size(wal) : 0);
    }
}
