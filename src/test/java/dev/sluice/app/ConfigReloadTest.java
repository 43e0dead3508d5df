package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sluice.api.Json;
import dev.sluice.config.ConfigSource;
import dev.sluice.config.SluiceConfig;
import dev.sluice.pipeline.Stage;
import dev.sluice.testing.FakeUpstream;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Config reload: POST /admin/config/reload and the file watch swap providers, models and limits; secrets from files rotate")
class ConfigReloadTest {
    private static final Map<String, String> OWNER = Http.bearer(TestGateway.ADMIN_KEY);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    /** Upstream A streams its first chunk, then waits for {@link #releaseA} before the rest. */
    private final CountDownLatch releaseA = new CountDownLatch(1);
    private FakeUpstream a;
    private FakeUpstream b;

    @AfterEach
    void close() throws Exception {
        releaseA.countDown();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private void upstreams() {
        a = track(FakeUpstream.start(this::answerA));
        b = track(FakeUpstream.start(FakeUpstream.json(200, completion("from-b"))));
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    /** A: streams "old-" at once and "done" after the test lets it; plain requests get "from-a". */
    private void answerA(HttpExchange exchange) throws Exception {
        String body = new String(exchange.getRequestBody().readAllBytes());
        JsonNode request = a.received().getLast().body();
        if (!request.path("stream").asBoolean()) {
            FakeUpstream.json(200, completion("from-a")).write(exchange);
            return;
        }
        try (OutputStream out = FakeUpstream.startSse(exchange)) {
            FakeUpstream.writeEvent(out, "data: " + chunk("old-", null));
            releaseA.await(30, TimeUnit.SECONDS);
            FakeUpstream.writeEvent(out, "data: " + chunk("done", "stop"));
            FakeUpstream.writeEvent(out, "data: [DONE]");
        }
        assertThat(body).isEmpty(); // the fake read the body before calling us
    }

    private static String completion(String text) {
        return """
                {"id":"c1","object":"chat.completion","created":1,"model":"up","choices":[{"index":0,
                "message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""".formatted(text);
    }

    private static String chunk(String text, String finish) {
        return """
                {"id":"c1","object":"chat.completion.chunk","created":1,"model":"up","choices":[{"index":0,\
                "delta":{"content":"%s"},"finish_reason":%s}]}""".formatted(text, finish == null ? "null" : "\"" + finish + "\"");
    }

    /** The config: providers a (key from a file) and b, and model m routed to {@code provider}. */
    private String yaml(String provider, String extra) {
        String own = """
                providers:
                  a:
                    type: openai
                    base_url: %s/v1
                    api_key: ${file:secrets/a.key}
                    timeout: 30s
                  b:
                    type: openai
                    base_url: %s/v1
                    api_key: sk-b
                    timeout: 30s
                models:
                  m:
                    provider: %s
                    model: up-%s
                routing:
                  retries: 0
                  circuit_breaker:
                    enabled: false
                """.formatted(a.baseUrl(), b.baseUrl(), provider, provider) + extra;
        return TestGateway.standardConfig("http://unused", dir, own);
    }

    private Gateway start(String yaml) throws Exception {
        Files.createDirectories(dir.resolve("secrets"));
        if (!Files.exists(dir.resolve("secrets/a.key"))) {
            Files.writeString(dir.resolve("secrets/a.key"), "sk-a-one\n");
        }
        dev.sluice.testing.SqliteTemplate.copyTo(dir.resolve("sluice.db")); // the store standardConfig names, migrated
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        ConfigSource source = ConfigSource.file(Registries.configLoader(Map.of()), file, c -> c);
        Gateway gw = Gateway.start(source.load(), TestGateway.ADMIN_KEY, Clock.systemUTC(), source);
        open.add(gw);
        return gw;
    }

    private static Http http(Gateway gw) {
        return new Http("http://127.0.0.1:" + gw.port());
    }

    private static String key(Gateway gw) {
        Http.Response r = http(gw).post("/admin/keys", Json.object().put("name", "reload"), OWNER);
        assertThat(r.status()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    private static ObjectNode chat(boolean stream) {
        ObjectNode body = Json.object().put("model", "m").put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return body;
    }

    private static String answer(Gateway gw, String key) {
        Http.Response r = http(gw).post("/v1/chat/completions", chat(false), Http.bearer(key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("choices").path(0).path("message").path("content").asText();
    }

    private void rewrite(String yaml) throws Exception {
        // written beside and moved over, as editors and Kubernetes do: the file is never seen half-written
        Path tmp = dir.resolve("sluice.yaml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, dir.resolve("sluice.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    @DisplayName("a stream in flight during a reload finishes on the old route; the next request takes the new one")
    void streamSurvivesReload() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        String key = key(gw);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch firstChunk = new CountDownLatch(1);
            Future<Http.Response> stream = pool.submit(() -> http(gw).postStreaming("/v1/chat/completions", chat(true),
                    Http.bearer(key), (line, t) -> {
                        if (line.contains("old-")) {
                            firstChunk.countDown();
                        }
                    }));
            assertThat(firstChunk.await(30, TimeUnit.SECONDS)).as("the stream started").isTrue();

            rewrite(yaml("b", ""));
            Http.Response reload = http(gw).post("/admin/config/reload", "", OWNER);
            assertThat(reload.status()).as(reload.body()).isEqualTo(200);
            assertThat(reload.json().path("outcome").asText()).isEqualTo("applied");
            assertThat(reload.json().path("generation").asLong()).isEqualTo(2);
            assertThat(texts(reload.json().path("changed"))).containsExactly("models.m");
            assertThat(stream.isDone()).as("the stream is still in flight after the reload").isFalse();
            assertThat(gw.openGenerations()).as("the stream holds the old generation open").isEqualTo(2);

            // a new request while the old stream is still open goes to b
            assertThat(answer(gw, key)).isEqualTo("from-b");

            releaseA.countDown();
            Http.Response streamed = stream.get(30, TimeUnit.SECONDS);
            assertThat(streamed.status()).isEqualTo(200);
            String content = streamed.events().stream().filter(e -> !e.equals("[DONE]"))
                    .map(e -> Json.parse(e.getBytes()).path("choices").path(0).path("delta").path("content").asText(""))
                    .reduce("", String::concat);
            assertThat(content).isEqualTo("old-done");
            assertThat(streamed.events()).last().isEqualTo("[DONE]");
            assertThat(a.received()).hasSize(1);
            assertThat(a.received().getFirst().body().path("model").asText()).isEqualTo("up-a");
            assertThat(b.received().getLast().body().path("model").asText()).isEqualTo("up-b");
            // once the stream completed (its listeners ran), the old generation closed its providers
            assertThat(gw.awaitFlushed(Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.openGenerations() == 1);
        }
        assertThat(answer(gw, key)).isEqualTo("from-b");
        assertThat(a.failures()).isEmpty();
    }

    @Test
    @DisplayName("a router taken over by a later generation stays open for a stream of an older one, through two reloads")
    void sharedRouterOutlivesItsGenerations() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        String key = key(gw);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch firstChunk = new CountDownLatch(1);
            Future<Http.Response> stream = pool.submit(() -> http(gw).postStreaming("/v1/chat/completions", chat(true),
                    Http.bearer(key), (line, t) -> {
                        if (line.contains("old-")) {
                            firstChunk.countDown();
                        }
                    }));
            assertThat(firstChunk.await(30, TimeUnit.SECONDS)).isTrue();
            // generation 2 changes only the limits: it takes over generation 1's router and providers
            rewrite(yaml("a", "limits:\n  key:\n    rpm: 1000\n"));
            assertThat(http(gw).post("/admin/config/reload", "", OWNER).json().path("generation").asLong()).isEqualTo(2);
            // generation 3 routes elsewhere: generation 2 closes at once (nothing holds it), but the router it took
            // over is still the stream's, so it stays open
            rewrite(yaml("b", "limits:\n  key:\n    rpm: 1000\n"));
            assertThat(http(gw).post("/admin/config/reload", "", OWNER).json().path("generation").asLong()).isEqualTo(3);
            assertThat(answer(gw, key)).isEqualTo("from-b");
            assertThat(gw.openGenerations()).isEqualTo(2);

            releaseA.countDown();
            Http.Response streamed = stream.get(30, TimeUnit.SECONDS);
            assertThat(streamed.body()).contains("done").doesNotContain("stream broken");
            assertThat(streamed.events()).last().isEqualTo("[DONE]");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.openGenerations() == 1);
        assertThat(answer(gw, key)).isEqualTo("from-b");
    }

    @Test
    @DisplayName("under load: 10 reloads while 8 clients send requests and streams; every request succeeds, old generations all close")
    void reloadsUnderLoad() throws Exception {
        a = track(FakeUpstream.start(FakeUpstream.json(200, completion("from-a"))));
        b = track(FakeUpstream.start(FakeUpstream.json(200, completion("from-b"))));
        Gateway gw = start(yaml("a", ""));
        String key = key(gw);
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                clients.add(pool.submit(() -> {
                    while (!done.get()) {
                        statuses.add(http(gw).post("/v1/chat/completions", chat(false), Http.bearer(key)).status());
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> statuses.size() >= 8);
            for (int i = 0; i < 10; i++) {
                rewrite(yaml(i % 2 == 0 ? "b" : "a", ""));
                Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
                assertThat(r.json().path("outcome").asText()).as(r.body()).isEqualTo("applied");
                int seen = statuses.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> statuses.size() >= seen + 8);
            }
            done.set(true);
            for (Future<?> f : clients) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(statuses).hasSizeGreaterThan(80).containsOnly(200);
        assertThat(a.received()).isNotEmpty();
        assertThat(b.received()).isNotEmpty();
        assertThat(http(gw).get("/admin/config", OWNER).json().path("generation").asLong()).isEqualTo(11);
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.openGenerations() == 1);
    }

    @Test
    @DisplayName("an invalid file is rejected with every problem listed (400, OpenAI format); the old config keeps serving")
    void invalidFileKeepsRunningConfig() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        String key = key(gw);
        assertThat(answer(gw, key)).isEqualTo("from-a");

        // three problems in three places: a provider's type, another provider's secret file, the retention section
        String broken = yaml("b", """
                retention:
                  audit: forever
                """).replace("type: openai\n    base_url: " + b.baseUrl(), "type: openia\n    base_url: " + b.baseUrl())
                .replace("${file:secrets/a.key}", "${file:secrets/missing.key}");
        rewrite(broken);
        Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode error = r.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("config_invalid");
        List<String> problems = texts(error.path("errors"));
        assertThat(problems).hasSizeGreaterThanOrEqualTo(3);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("openia"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("missing.key").contains("does not exist"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("audit").contains("forever"));
        assertThat(error.path("message").asText()).contains("running config (generation 1) keeps serving");

        // still a, still generation 1; the status says the last reload was rejected
        assertThat(answer(gw, key)).isEqualTo("from-a");
        JsonNode status = http(gw).get("/admin/config", OWNER).json();
        assertThat(status.path("generation").asLong()).isEqualTo(1);
        assertThat(status.path("last_reload").path("outcome").asText()).isEqualTo("rejected");

        // fixed: applies
        rewrite(yaml("b", ""));
        assertThat(http(gw).post("/admin/config/reload", "", OWNER).json().path("generation").asLong()).isEqualTo(2);
        assertThat(answer(gw, key)).isEqualTo("from-b");
    }

    @Test
    @DisplayName("a rotated ${file:} secret reaches the upstream after a reload, trimmed; the change shows as providers.a")
    void secretRotation() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        String key = key(gw);
        answer(gw, key);
        assertThat(a.received().getLast().header("authorization")).isEqualTo("Bearer sk-a-one");

        Files.writeString(dir.resolve("secrets/a.key"), "  sk-a-two \n\n");
        // nothing reloaded yet: the old key is still sent
        answer(gw, key);
        assertThat(a.received().getLast().header("authorization")).isEqualTo("Bearer sk-a-one");

        Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(texts(r.json().path("changed"))).containsExactly("providers.a");
        assertThat(r.body()).doesNotContain("sk-a-two");
        answer(gw, key);
        assertThat(a.received().getLast().header("authorization")).isEqualTo("Bearer sk-a-two");

        // an unreadable secret keeps the rotated key in use and says which file
        Files.delete(dir.resolve("secrets/a.key"));
        Http.Response gone = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(gone.status()).isEqualTo(400);
        assertThat(texts(gone.json().path("error").path("errors"))).singleElement().asString()
                .contains("secrets/a.key").contains("does not exist").contains("Fix:");
        answer(gw, key);
        assertThat(a.received().getLast().header("authorization")).isEqualTo("Bearer sk-a-two");
    }

    @Test
    @DisplayName("changes only a restart applies are listed as requires_restart, not applied and not ignored")
    void restartOnlyChanges() throws Exception {
        upstreams();
        String yaml = yaml("a", "");
        Gateway gw = start(yaml);
        String key = key(gw);
        rewrite(yaml.replace("max_body_bytes: 1MB", "max_body_bytes: 2MB").replace("port: 0", "port: 1"));
        Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("outcome").asText()).isEqualTo("unchanged");
        assertThat(texts(r.json().path("requires_restart"))).containsExactly("server.port", "server.max_body_bytes");
        assertThat(r.json().path("generation").asLong()).isEqualTo(1);

        // with a reloadable change too: applied, and the restart-only ones are still reported
        rewrite(yaml("b", "").replace("max_body_bytes: 1MB", "max_body_bytes: 2MB"));
        Http.Response both = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(both.json().path("outcome").asText()).isEqualTo("applied");
        assertThat(texts(both.json().path("requires_restart"))).containsExactly("server.max_body_bytes");
        assertThat(answer(gw, key)).isEqualTo("from-b");
    }

    @Test
    @DisplayName("limits: a reload changes the rpm of a key's requests from the next request on")
    void limitsReload() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        String key = key(gw);
        for (int i = 0; i < 3; i++) {
            answer(gw, key);
        }
        rewrite(yaml("a", """
                limits:
                  key:
                    rpm: 3
                """));
        Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(texts(r.json().path("changed"))).as(r.body()).containsExactly("limits.key");
        Http.Response refused = null;
        for (int i = 0; i < 4 && (refused == null || refused.status() == 200); i++) {
            refused = http(gw).post("/v1/chat/completions", chat(false), Http.bearer(key));
        }
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
    }

    @Test
    @DisplayName("limits: a generation that fails to build after its limit stage was made leaves GET /admin/limits on the running limits")
    void rejectedLimitsNeverShow() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", """
                limits:
                  key:
                    rpm: 5
                """));
        String id = http(gw).post("/admin/keys", Json.object().put("name", "shown"), OWNER).json().path("id").asText();
        assertThat(rpmShown(gw, id)).isEqualTo(5.0);
        rewrite(yaml("a", """
                limits:
                  key:
                    rpm: 7
                """));
        SluiceConfig next = ConfigSource.file(Registries.configLoader(Map.of()), dir.resolve("sluice.yaml"), c -> c).load();
        // the same parts with a second terminal stage: building fails after the limit stage of rpm 7 was made
        Generation.Fixed fixed = gw.generations().fixed();
        Map<Slot, List<Stage>> stages = new java.util.EnumMap<>(Slot.class);
        fixed.stages().forEach((slot, list) -> stages.put(slot, new ArrayList<>(list)));
        stages.computeIfAbsent(Slot.ROUTE, s -> new ArrayList<>()).add(gw.generations().current().routing.router());
        Generation.Fixed broken = new Generation.Fixed(stages, fixed.limits(), fixed.tracer(), fixed.routing(), fixed.guardrails());
        assertThatThrownBy(() -> Generation.build(99, next, gw.generations().current(), broken))
                .hasMessageContaining("exactly one stage in slot ROUTE");
        assertThat(rpmShown(gw, id)).as("the running generation's limit").isEqualTo(5.0);
        // and the applied reload shows its limits
        Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(r.json().path("outcome").asText()).as(r.body()).isEqualTo("applied");
        assertThat(rpmShown(gw, id)).isEqualTo(7.0);
    }

    @Test
    @DisplayName("budget alert thresholds: a generation built and then rejected leaves the serving thresholds (and what they already announced) in place")
    void rejectedThresholdsNeverStick() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", """
                alerts:
                  budget_thresholds: [80]
                """));
        Generation serving = gw.generations().current();
        assertThat(serving.limits.budgetAlerts().thresholds()).containsExactly(80);
        rewrite(yaml("a", """
                alerts:
                  budget_thresholds: [50]
                """));
        SluiceConfig rejected = ConfigSource.file(Registries.configLoader(Map.of()), dir.resolve("sluice.yaml"), c -> c).load();
        // a stage built for a config that is never swapped in (its generation failed later)
        assertThat(gw.generations().fixed().limits().stage(rejected, serving.prices).budgetAlerts().thresholds())
                .containsExactly(50);
        // the next build with the serving thresholds keeps the serving alerts, with what they already sent
        assertThat(gw.generations().fixed().limits().stage(serving.config, serving.prices).budgetAlerts())
                .isSameAs(serving.limits.budgetAlerts());
    }

    private static double rpmShown(Gateway gw, String keyId) {
        Http.Response r = http(gw).get("/admin/limits?key=" + keyId, OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        for (JsonNode u : r.json().path("data")) {
            if (u.path("limit_type").asText().equals("rpm")) {
                return u.path("limit").asDouble();
            }
        }
        throw new AssertionError("no rpm limit in " + r.body());
    }

    @Test
    @DisplayName("guardrails and prices: a reload adds a banned-phrase policy and changes the price of the next request")
    void guardrailsAndPricesReload() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", """
                prices:
                  up-a: {input: 1000, output: 1000}
                """));
        String key = key(gw);
        ObjectNode banned = chat(false);
        ((ObjectNode) banned.path("messages").path(0)).put("content", "tell me about project nightingale");
        Http.Response before = http(gw).post("/v1/chat/completions", banned, Http.bearer(key));
        assertThat(before.status()).isEqualTo(200);
        // 5 tokens at 1000 USD per million
        assertThat(Double.parseDouble(before.header("x-sluice-cost"))).isEqualTo(0.005);

        rewrite(yaml("a", """
                prices:
                  up-a: {input: 2000, output: 2000}
                guardrails:
                  policies:
                    default:
                      input:
                        banned: {action: block, phrases: ["project nightingale"]}
                """));
        Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(texts(r.json().path("changed"))).as(r.body()).contains("prices.up-a", "guardrails.policies");
        Http.Response blocked = http(gw).post("/v1/chat/completions", banned, Http.bearer(key));
        assertThat(blocked.status()).as(blocked.body()).isEqualTo(400);
        assertThat(blocked.json().path("error").path("code").asText()).isEqualTo("guardrail_blocked");
        Http.Response priced = http(gw).post("/v1/chat/completions", chat(false), Http.bearer(key));
        assertThat(Double.parseDouble(priced.header("x-sluice-cost"))).isEqualTo(0.01);
        assertThat(a.received()).hasSize(2);
    }

    @Test
    @DisplayName("alerts: a rule added by a reload is evaluated and listed by GET /admin/alerts")
    void alertsReload() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        assertThat(http(gw).get("/admin/alerts", OWNER).json().path("rules")).isEmpty();
        rewrite(yaml("a", """
                alerts:
                  rules:
                    - name: many-errors
                      metric: error_rate
                      window: 5m
                      threshold: 0.5
                      message: Upstream errors; check /admin/logs
                """));
        Http.Response r = http(gw).post("/admin/config/reload", "", OWNER);
        assertThat(texts(r.json().path("changed"))).as(r.body()).containsExactly("alerts.rules");
        assertThat(http(gw).get("/admin/alerts", OWNER).json().path("rules").toString()).contains("many-errors");
    }

    @Test
    @DisplayName("every reload is audited: who, applied or rejected, what changed or the problems")
    void audited() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        rewrite(yaml("b", ""));
        http(gw).post("/admin/config/reload", "", OWNER);
        rewrite("models: [");
        http(gw).post("/admin/config/reload", "", OWNER);

        JsonNode applied = http(gw).get("/admin/audit?action=config.reload", OWNER).json().path("data");
        assertThat(applied).hasSize(1);
        assertThat(applied.get(0).path("actor").asText()).isEqualTo("config-owner");
        assertThat(applied.get(0).toString()).contains("models.m").contains("admin_api");
        JsonNode rejected = http(gw).get("/admin/audit?action=config.reload_rejected", OWNER).json().path("data");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).toString()).contains("not valid YAML");
    }

    @Test
    @DisplayName("only the owner may reload: another role gets 403 and nothing changes")
    void ownerOnly() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", ""));
        Http.Response viewer = http(gw).post("/admin/admin-keys", Json.object().put("name", "v").put("role", "viewer"), OWNER);
        assertThat(viewer.status()).as(viewer.body()).isEqualTo(201);
        rewrite(yaml("b", ""));
        Http.Response r = http(gw).post("/admin/config/reload", "", Http.bearer(viewer.json().path("key").asText()));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("error").path("message").asText()).contains("reload the config");
        assertThat(http(gw).get("/admin/config", OWNER).json().path("generation").asLong()).isEqualTo(1);
    }

    @Test
    @DisplayName("server.config_watch: saving the file reloads it (debounced); the watch is audited as config-watch")
    void fileWatch() throws Exception {
        upstreams();
        Gateway gw = start(yaml("a", "").replace("  drain_timeout: 5s\n", "  drain_timeout: 5s\n  config_watch: true\n"));
        String key = key(gw);
        assertThat(answer(gw, key)).isEqualTo("from-a");
        assertThat(http(gw).get("/admin/config", OWNER).json().path("watching").asBoolean()).isTrue();

        rewrite(yaml("b", "").replace("  drain_timeout: 5s\n", "  drain_timeout: 5s\n  config_watch: true\n"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(http(gw).get("/admin/config", OWNER).json().path("generation").asLong()).isEqualTo(2));
        assertThat(answer(gw, key)).isEqualTo("from-b");
        JsonNode last = http(gw).get("/admin/config", OWNER).json().path("last_reload");
        assertThat(last.path("trigger").asText()).isEqualTo("config_watch");
        JsonNode audit = http(gw).get("/admin/audit?action=config.reload&actor=config-watch", OWNER).json().path("data");
        assertThat(audit).hasSize(1);

        // a rotated secret file is watched too
        Files.writeString(dir.resolve("secrets/a.key"), "sk-a-watched\n");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(http(gw).get("/admin/config", OWNER).json().path("generation").asLong()).isEqualTo(3));
        assertThat(http(gw).get("/admin/config", OWNER).json().path("last_reload").path("changed").toString())
                .contains("providers.a");
    }

    @Test
    @DisplayName("server.config_watch: a Kubernetes-style secret update (the ..data symlink swapped to a new directory) rotates the key")
    void kubernetesSecretSwap() throws Exception {
        upstreams();
        // as the kubelet lays out a Secret volume: a.key -> ..data/a.key, ..data -> ..2026_v1
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.createDirectories(secrets.resolve("..v1"));
        Files.writeString(secrets.resolve("..v1/a.key"), "sk-k8s-one\n");
        Files.createSymbolicLink(secrets.resolve("..data"), Path.of("..v1"));
        Files.createSymbolicLink(secrets.resolve("a.key"), Path.of("..data/a.key"));
        Gateway gw = start(yaml("a", "").replace("  drain_timeout: 5s\n", "  drain_timeout: 5s\n  config_watch: true\n"));
        String key = key(gw);
        answer(gw, key);
        assertThat(a.received().getLast().header("authorization")).isEqualTo("Bearer sk-k8s-one");

        // the update: a new timestamped directory, a new symlink renamed over ..data (atomic), the old directory removed
        Files.createDirectories(secrets.resolve("..v2"));
        Files.writeString(secrets.resolve("..v2/a.key"), "sk-k8s-two\n");
        Files.createSymbolicLink(secrets.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(secrets.resolve("..data_tmp"), secrets.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.delete(secrets.resolve("..v1/a.key"));
        Files.delete(secrets.resolve("..v1"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(http(gw).get("/admin/config", OWNER).json().path("generation").asLong()).isEqualTo(2));
        answer(gw, key);
        assertThat(a.received().getLast().header("authorization")).isEqualTo("Bearer sk-k8s-two");
    }

    @Test
    @DisplayName("a gateway started from config text answers 409: there is no file to read again")
    void notReloadable() {
        try (TestGateway gw = TestGateway.start()) {
            Http.Response r = gw.http().post("/admin/config/reload", "", OWNER);
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("config_not_reloadable");
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
