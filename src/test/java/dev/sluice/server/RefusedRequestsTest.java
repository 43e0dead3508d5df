package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Hostile requests cost bounded storage: refused before the body is read, capped fields for everyone")
class RefusedRequestsTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), """
                tracing:
                  capture: full
                """, Clock.systemUTC());
        key = gw.createKey("refused");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** ~1 MB: 15,000 metadata entries of 60 characters and a 100 KB model name. */
    static String hugeBody() {
        ObjectNode body = Json.object().put("model", "m".repeat(100_000)).put("user", "u".repeat(50_000));
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        ObjectNode metadata = body.putObject("metadata");
        for (int i = 0; metadata.size() < 13_000; i++) {
            metadata.put("k" + i, "v".repeat(60));
        }
        return body.toString();
    }

    static Map<String, String> hugeHeaders(String authorization) {
        Map<String, String> h = new HashMap<>();
        if (authorization != null) {
            h.put("authorization", authorization);
        }
        h.put("x-sluice-tags", "a=" + "t".repeat(2_000) + ",b=c");
        h.put("x-sluice-session", "s".repeat(2_000));
        h.put("x-sluice-user", "u".repeat(2_000));
        h.put("x-request-id", "r".repeat(1_000));
        return h;
    }

    /** The SQLite database and its WAL, checkpointed, in bytes. */
    static long storeBytes() throws Exception {
        gw.flushLog();
        assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
        Path db = gw.dir().resolve("sluice.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Path wal = gw.dir().resolve("sluice.db-wal");
        return Files.size(db) + (Files.exists(wal) ? Files.size(wal) : 0);
    }

    @Test
    @DisplayName("200 refused requests with 1 MB bodies and large headers store at most 2 KB each")
    void refusedRequestsStoreLittle() throws Exception {
        String body = hugeBody();
        assertThat(body.length()).isGreaterThan(900_000);
        long before = storeBytes();
        int n = 200;
        for (int i = 0; i < n; i++) {
            String auth = i % 2 == 0 ? null : "Bearer sk-sluice-" + "x".repeat(32);
            Http.Response r = gw.http().post("/v1/chat/completions", body, hugeHeaders(auth));
            assertThat(r.status()).isEqualTo(401);
        }
        long growth = storeBytes() - before;
        System.out.println("refused requests: store grew " + growth + " bytes for " + n + " requests");
        assertThat(growth / n).as("bytes stored per refused request (growth %d)", growth).isLessThanOrEqualTo(2048);
    }

    @Test
    @DisplayName("caps: metadata, tags, model, user and their headers over the limits get a 400 naming the field and the limit")
    void caps() {
        Map<String, String> auth = Http.bearer(key);
        record Case(String param, ObjectNode body, Map<String, String> headers, String limit) {}
        ObjectNode manyMetadata = chat();
        for (int i = 0; i < 17; i++) {
            manyMetadata.with("metadata").put("k" + i, "v");
        }
        Map<String, String> manyTags = new HashMap<>(auth);
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            tags.append(i == 0 ? "" : ",").append("t").append(i).append("=v");
        }
        manyTags.put("x-sluice-tags", tags.toString());
        Map<String, String> longUserHeader = new HashMap<>(auth);
        longUserHeader.put("x-sluice-user", "u".repeat(257));
        Case[] cases = {
                new Case("metadata", manyMetadata, auth, "16"),
                new Case("metadata", chat().set("metadata", Json.object().put("k".repeat(65), "v")), auth, "64"),
                new Case("metadata", chat().set("metadata", Json.object().put("k", "v".repeat(513))), auth, "512"),
                new Case("model", chat().put("model", "m".repeat(257)), auth, "256"),
                new Case("user", chat().put("user", "u".repeat(257)), auth, "256"),
                new Case("x-sluice-tags", chat(), manyTags, "16"),
                new Case("x-sluice-user", chat(), longUserHeader, "256"),
        };
        for (Case c : cases) {
            Http.Response r = gw.http().post("/v1/chat/completions", c.body(), c.headers());
            assertThat(r.status()).as(c.param() + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().path("error").path("param").asText()).isEqualTo(c.param());
            assertThat(r.json().path("error").path("message").asText()).contains(c.limit());
            assertThat(r.body().length()).isLessThan(1_000);
        }
        ObjectNode embedding = Json.object().put("model", "e".repeat(257)).put("input", "hi");
        Http.Response r = gw.http().post("/v1/embeddings", embedding, auth);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("model");
        // at the limits, fine
        ObjectNode ok = chat().put("user", "u".repeat(256));
        for (int i = 0; i < 16; i++) {
            ok.with("metadata").put("k".repeat(60) + Integer.toHexString(i), "v".repeat(512));
        }
        assertThat(gw.http().post("/v1/chat/completions", ok, auth).status()).isEqualTo(200);
    }

    static ObjectNode chat() {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return body;
    }
}
