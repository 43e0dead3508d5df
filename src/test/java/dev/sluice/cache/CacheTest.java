package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Response cache: exact and semantic, through HTTP")
class CacheTest {
    static final String CACHE = """
            cache:
              scope: team
              ttl: 1h
              max_ttl: 1d
            """;
    static MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    static TestGateway gw;
    static String teamA;
    static String teamA2;
    static String teamB;
    static String noTeam;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), CACHE, clock);
        teamA = key("a1", "team-a");
        teamA2 = key("a2", "team-a");
        teamB = key("b1", "team-b");
        noTeam = key("solo", null);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @BeforeEach
    void clear() {
        gw.sim().clearRecorded();
    }

    static String key(String name, String team) {
        ObjectNode body = Json.object().put("name", name);
        if (team != null) {
            body.put("team", team);
        }
        return gw.createKey(body).path("key").asText();
    }

    static ObjectNode request(String question) {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("temperature", 0);
        body.putArray("messages").addObject().put("role", "user").put("content", question);
        return body;
    }

    static Http.Response chat(String key, ObjectNode body) {
        return chat(key, body, Map.of());
    }

    static Http.Response chat(String key, ObjectNode body, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>(headers);
        h.put("authorization", "Bearer " + key);
        Http.Response r = gw.http().post("/v1/chat/completions", body, h);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    static long upstreamCalls() {
        return gw.sim().recorded().stream().filter(r -> r.path().endsWith("/chat/completions")).count();
    }

    static String text(Http.Response r) {
        return r.json().path("choices").path(0).path("message").path("content").asText();
    }

    @Test
    @DisplayName("the same deterministic request is answered from the cache the second time, without calling the model")
    void exactHit() {
        ObjectNode body = request("Exact hit: what does a sluice gate do?");
        Http.Response first = chat(teamA, body);
        Http.Response second = chat(teamA, body);
        assertThat(first.header("x-sluice-cache")).isEqualTo("miss");
        assertThat(second.header("x-sluice-cache")).isEqualTo("hit");
        assertThat(second.header("x-sluice-cache-similarity")).isEqualTo("1.0000");
        assertThat(text(second)).isEqualTo(text(first));
        assertThat(second.json().path("id").asText()).isNotEqualTo(first.json().path("id").asText());
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    @DisplayName("user, metadata and key order do not change the exact key; the model and parameters do")
    void normalisation() {
        ObjectNode body = request("Normalisation: name three rivers.");
        chat(teamA, body);
        ObjectNode reordered = Json.object();
        reordered.set("messages", body.get("messages"));
        reordered.put("temperature", 0).put("model", "gpt-4o-mini").put("user", "someone-else");
        reordered.putObject("metadata").put("trace", "x");
        assertThat(chat(teamA, reordered).header("x-sluice-cache")).isEqualTo("hit");
        assertThat(chat(teamA, body.deepCopy().put("max_tokens", 5)).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(chat(teamA, body.deepCopy().put("model", "gpt-4o")).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(upstreamCalls()).isEqualTo(3);
    }

    @Test
    @DisplayName("requests that are not deterministic bypass the cache by default")
    void nonDeterministicBypass() {
        ObjectNode body = request("Bypass: tell me a story.");
        body.remove("temperature");
        assertThat(chat(teamA, body).header("x-sluice-cache")).isEqualTo("bypass");
        assertThat(chat(teamA, body).header("x-sluice-cache")).isEqualTo("bypass");
        assertThat(upstreamCalls()).isEqualTo(2);
        ObjectNode seeded = body.deepCopy().put("seed", 7).put("temperature", 0.8);
        chat(teamA, seeded);
        assertThat(chat(teamA, seeded).header("x-sluice-cache")).isEqualTo("hit");
    }

    @Test
    @DisplayName("keys of one team share answers; another team, or a key without a team, never sees them")
    void tenantIsolation() {
        ObjectNode body = request("Isolation: what is the boiling point of water at sea level?");
        chat(teamA, body);
        assertThat(chat(teamA2, body).header("x-sluice-cache")).isEqualTo("hit");
        assertThat(chat(teamB, body).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(chat(noTeam, body).header("x-sluice-cache")).isEqualTo("miss");
        // semantic lookups stay inside the scope too
        ObjectNode paraphrase = request("Isolation: at sea level, what's the boiling point of water?");
        Http.Response other = chat(key("b2", "team-c"), paraphrase);
        assertThat(other.header("x-sluice-cache")).isEqualTo("miss");
        assertThat(upstreamCalls()).isEqualTo(4);
    }

    @Test
    @DisplayName("a paraphrase hits semantically with its similarity; a reversed or different question misses")
    void semanticHit() {
        chat(teamA, request("How can I learn Python quickly?"));
        Http.Response para = chat(teamA2, request("What is the fastest way to learn Python?"));
        assertThat(para.header("x-sluice-cache")).isEqualTo("semantic-hit");
        assertThat(Double.parseDouble(para.header("x-sluice-cache-similarity"))).isBetween(0.8, 1.0);

        chat(teamA, request("Convert 100 Fahrenheit to Celsius"));
        assertThat(chat(teamA, request("Convert 100 Celsius to Fahrenheit")).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(chat(teamA, request("Convert 200 Fahrenheit to Celsius")).header("x-sluice-cache")).isEqualTo("miss");
        chat(teamA, request("Is coffee good for you?"));
        assertThat(chat(teamA, request("Is coffee bad for you?")).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(upstreamCalls()).isEqualTo(6);
    }

    @Test
    @DisplayName("semantic matches need the same system prompt and earlier turns")
    void semanticNeedsSameContext() {
        ObjectNode first = request("Context: how do I reverse a list?");
        ((com.fasterxml.jackson.databind.node.ArrayNode) first.get("messages")).insertObject(0)
                .put("role", "system").put("content", "You answer about Python.");
        chat(teamA, first);
        ObjectNode other = request("Context: how can I reverse a list?");
        ((com.fasterxml.jackson.databind.node.ArrayNode) other.get("messages")).insertObject(0)
                .put("role", "system").put("content", "You answer about Haskell.");
        assertThat(chat(teamA, other).header("x-sluice-cache")).isEqualTo("miss");
        ObjectNode same = request("Context: how can I reverse a list?");
        ((com.fasterxml.jackson.databind.node.ArrayNode) same.get("messages")).insertObject(0)
                .put("role", "system").put("content", "You answer about Python.");
        assertThat(chat(teamA, same).header("x-sluice-cache")).isEqualTo("semantic-hit");
    }

    @Test
    @DisplayName("a streamed answer is replayed as a real SSE stream, and serves non-streaming clients too")
    void streamingReplay() {
        OpenAIClient client = gw.openAi(teamA);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Streaming: describe a lock on a canal").temperature(0).build();
        StringBuilder live = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(live::append)));
        }
        ObjectNode body = request("Streaming: describe a lock on a canal").put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        Http.Response replay = chat(teamA, body);
        assertThat(replay.header("x-sluice-cache")).isEqualTo("hit");
        assertThat(replay.header("content-type")).startsWith("text/event-stream");
        assertThat(replay.events().getLast()).isEqualTo("[DONE]");
        StringBuilder replayed = new StringBuilder();
        JsonNode usage = null;
        int contentEvents = 0;
        for (String e : replay.events().subList(0, replay.events().size() - 1)) {
            JsonNode chunk = Json.parse(e.getBytes());
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            for (JsonNode ch : chunk.path("choices")) {
                if (ch.path("delta").hasNonNull("content") && !ch.path("delta").path("content").asText().isEmpty()) {
                    contentEvents++;
                    replayed.append(ch.path("delta").path("content").asText());
                }
            }
            if (chunk.hasNonNull("usage")) {
                usage = chunk.get("usage");
            }
        }
        assertThat(replayed.toString()).isEqualTo(live.toString());
        assertThat(contentEvents).isGreaterThan(1);
        assertThat(usage).isNotNull();
        assertThat(usage.path("completion_tokens").asInt()).isPositive();
        // the official client reads the replay like any stream
        StringBuilder sdk = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(sdk::append)));
        }
        assertThat(sdk.toString()).isEqualTo(live.toString());
        // and a non-streaming client gets the same answer as JSON
        ChatCompletion whole = client.chat().completions().create(params);
        assertThat(whole.choices().getFirst().message().content().orElseThrow()).isEqualTo(live.toString());
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    @DisplayName("log probabilities survive the cache: a streamed answer's serve a whole one, and replay a token a chunk")
    void logprobs() {
        OpenAIClient client = gw.openAi(teamA);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                .addUserMessage("Logprobs: what does a sluice gate do?").temperature(0).logprobs(true).topLogprobs(2).build();
        List<String> live = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.logprobs().flatMap(lp -> lp.content())
                    .ifPresent(ts -> ts.forEach(t -> live.add(t.token() + "@" + t.logprob())))));
        }
        assertThat(live).isNotEmpty();
        // a whole answer from the entry the stream left: the stream's tokens, in order
        ChatCompletion whole = client.chat().completions().create(params);
        assertThat(whole.choices().getFirst().logprobs().orElseThrow().content().orElseThrow().stream()
                .map(t -> t.token() + "@" + t.logprob()).toList()).isEqualTo(live);
        // a second stream, replayed from the cache: a chunk a token, each with its log probabilities
        List<String> replayed = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.logprobs().flatMap(lp -> lp.content()).ifPresent(ts -> {
                assertThat(ts).hasSize(1);
                assertThat(ch.delta().content().orElseThrow()).isEqualTo(ts.getFirst().token());
                replayed.add(ts.getFirst().token() + "@" + ts.getFirst().logprob());
            })));
        }
        assertThat(replayed).isEqualTo(live);
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    @DisplayName("a non-streamed answer is replayed to a streaming client")
    void jsonToStream() {
        ObjectNode body = request("Json to stream: what is a weir?");
        String whole = text(chat(teamA, body));
        Http.Response replay = chat(teamA, body.deepCopy().put("stream", true));
        assertThat(replay.header("x-sluice-cache")).isEqualTo("hit");
        StringBuilder text = new StringBuilder();
        for (String e : replay.events()) {
            if (!e.equals("[DONE]")) {
                JsonNode chunk = Json.parse(e.getBytes());
                assertThat(chunk.has("usage") && !chunk.get("usage").isNull()).as("no usage unless asked").isFalse();
                chunk.path("choices").forEach(ch -> text.append(ch.path("delta").path("content").asText("")));
            }
        }
        assertThat(text.toString()).isEqualTo(whole);
    }

    @Test
    @DisplayName("a stream that breaks off is not cached")
    void brokenStreamNotCached() {
        ObjectNode body = request("Broken stream: explain tides at length").put("stream", true);
        Map<String, String> reset = Map.of("x-sim-reset-after", "3", "x-sim-tokens", "40");
        Map<String, String> h = new HashMap<>(reset);
        h.put("authorization", "Bearer " + teamA);
        try {
            gw.http().post("/v1/chat/completions", body, h);
        } catch (java.io.UncheckedIOException expected) {
            // the gateway passes the upstream's broken stream on to the client
        }
        Http.Response again = chat(teamA, body);
        assertThat(again.header("x-sluice-cache")).isEqualTo("miss");
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    @DisplayName("x-sluice-cache: no-store bypasses, refresh re-asks and replaces, ttl= sets the lifetime")
    void requestControls() {
        ObjectNode body = request("Controls: what is a canal?");
        assertThat(chat(teamA, body, Map.of("x-sluice-cache", "no-store")).header("x-sluice-cache")).isEqualTo("bypass");
        assertThat(chat(teamA, body).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(chat(teamA, body, Map.of("x-sluice-cache", "refresh")).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(chat(teamA, body).header("x-sluice-cache")).isEqualTo("hit");
        assertThat(upstreamCalls()).isEqualTo(3);

        ObjectNode shortLived = request("Controls: what is a lock keeper?");
        chat(teamA, shortLived, Map.of("x-sluice-cache", "ttl=30s"));
        clock.advance(Duration.ofSeconds(20));
        assertThat(chat(teamA, shortLived).header("x-sluice-cache")).isEqualTo("hit");
        clock.advance(Duration.ofSeconds(11));
        assertThat(chat(teamA, shortLived).header("x-sluice-cache")).isEqualTo("miss");

        Http.Response bad = gw.http().post("/v1/chat/completions", body,
                Map.of("authorization", "Bearer " + teamA, "x-sluice-cache", "forever"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("param").asText()).isEqualTo("x-sluice-cache");
        Http.Response tooLong = gw.http().post("/v1/chat/completions", body,
                Map.of("authorization", "Bearer " + teamA, "x-sluice-cache", "ttl=30d"));
        assertThat(tooLong.status()).isEqualTo(400);
    }

    @Test
    @DisplayName("answers expire after the configured ttl (exact and semantic)")
    void ttlExpiry() {
        chat(teamB, request("Expiry: how deep is the Panama canal?"));
        clock.advance(Duration.ofMinutes(59));
        assertThat(chat(teamB, request("Expiry: how deep is the Panama canal?")).header("x-sluice-cache")).isEqualTo("hit");
        clock.advance(Duration.ofMinutes(2));
        assertThat(chat(teamB, request("Expiry: what is the depth of the Panama canal?")).header("x-sluice-cache"))
                .isEqualTo("miss");
    }

    @Test
    @DisplayName("the request log records cache status, similarity and the tokens a hit saved")
    void requestLog() {
        ObjectNode body = request("Log: what is a spillway?");
        Http.Response miss = chat(teamA, body);
        Http.Response hit = chat(teamA, body);
        JsonNode missRow = gw.logs("request_id=" + miss.header("x-request-id")).path(0);
        JsonNode hitRow = gw.logs("request_id=" + hit.header("x-request-id")).path(0);
        assertThat(missRow.path("cache_status").asText()).isEqualTo("miss");
        assertThat(missRow.path("saved_tokens_in").isNull()).isTrue();
        assertThat(hitRow.path("cache_status").asText()).isEqualTo("hit");
        assertThat(hitRow.path("cache_similarity").asDouble()).isEqualTo(1.0);
        assertThat(hitRow.path("saved_tokens_in").asInt()).isEqualTo(miss.json().path("usage").path("prompt_tokens").asInt());
        assertThat(hitRow.path("saved_tokens_out").asInt()).isEqualTo(miss.json().path("usage").path("completion_tokens").asInt());
        assertThat(hitRow.path("tokens_in").asInt()).isZero();
        assertThat(hitRow.path("provider").isNull()).isTrue();
    }

    @Test
    @DisplayName("GET /admin/cache/entries lists the newest cached answers without their text; a team admin sees its team's only")
    void entries() {
        String secretQuestion = "Entries: what does the spillway of dam 4471 hold?";
        chat(teamA, request(secretQuestion));
        chat(teamB, request("Entries: what is a weir?"));
        Map<String, String> admin = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
        Http.Response all = gw.http().get("/admin/cache/entries?limit=500", admin);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().path("data").findValuesAsText("team")).contains("team-a", "team-b");
        assertThat(all.body()).as("neither the question nor the answer").doesNotContain("4471", "spillway");
        JsonNode first = all.json().path("data").get(0);
        assertThat(first.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(first.path("completion_tokens").asInt()).isPositive();
        assertThat(Instant.parse(first.path("expires_at").asText())).isAfter(Instant.parse(first.path("created_at").asText()));
        assertThat(gw.http().get("/admin/cache/entries?team=team-b", admin).json().path("data").findValuesAsText("team"))
                .isNotEmpty().containsOnly("team-b");

        String teamBAdmin = gw.http().post("/admin/admin-keys", Json.object().put("name", "cache-b").put("role", "team_admin")
                .put("team", "team-b"), admin).json().path("key").asText();
        Map<String, String> asTeamB = Map.of("authorization", "Bearer " + teamBAdmin);
        assertThat(gw.http().get("/admin/cache/entries", asTeamB).json().path("data").findValuesAsText("team"))
                .isNotEmpty().containsOnly("team-b");
        assertThat(gw.http().get("/admin/cache/entries?team=team-a", asTeamB).status()).isEqualTo(403);
        assertThat(gw.http().get("/admin/cache/entries", Map.of()).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("DELETE /admin/cache drops answers by key, team, model or all, and needs the admin key")
    void adminInvalidation() {
        ObjectNode a = request("Invalidate: what is a dam?");
        ObjectNode b = request("Invalidate: what is a levee?");
        chat(teamA, a);
        chat(teamB, b);
        Map<String, String> admin = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
        assertThat(gw.http().delete("/admin/cache?team=team-a", Map.of()).status()).isEqualTo(401);
        assertThat(gw.http().delete("/admin/cache", admin).status()).isEqualTo(400);
        Http.Response dropped = gw.http().delete("/admin/cache?team=team-a", admin);
        assertThat(dropped.status()).isEqualTo(200);
        assertThat(dropped.json().path("deleted").asLong()).isPositive();
        assertThat(chat(teamA, a).header("x-sluice-cache")).isEqualTo("miss");
        assertThat(chat(teamB, b).header("x-sluice-cache")).isEqualTo("hit");

        assertThat(gw.http().delete("/admin/cache?model=gpt-4o", admin).status()).isEqualTo(200);
        assertThat(chat(teamB, b).header("x-sluice-cache")).isEqualTo("hit");
        assertThat(gw.http().delete("/admin/cache?model=gpt-4o-mini&team=team-b", admin).status()).isEqualTo(200);
        assertThat(chat(teamB, b).header("x-sluice-cache")).isEqualTo("miss");

        chat(teamA, a);
        String keyId = gw.logs("limit=1").path(0).path("key_id").asText();
        assertThat(gw.http().delete("/admin/cache?key_id=" + keyId, admin).json().path("deleted").asLong()).isPositive();
        assertThat(chat(teamA2, a).header("x-sluice-cache")).isEqualTo("miss");

        assertThat(gw.http().delete("/admin/cache?all=true", admin).status()).isEqualTo(200);
        assertThat(chat(teamA2, a).header("x-sluice-cache")).isEqualTo("miss");
        JsonNode stats = gw.http().get("/admin/cache", admin).json();
        assertThat(stats.path("hits").asLong()).isPositive();
        assertThat(stats.path("misses").asLong()).isPositive();
    }

    @Test
    @DisplayName("GET /admin/cache shows a team-limited admin its own team's counters only, never the organisation's")
    void teamScopedStats() {
        String statsKey = key("stats", "team-stats");
        ObjectNode body = request("Stats: what is a weir?");
        chat(statsKey, body);
        chat(statsKey, body);
        chat(statsKey, body);
        chat(teamB, request("Stats: what is a lock on a canal?"));
        Map<String, String> owner = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
        Http.Response minted = gw.http().post("/admin/admin-keys",
                "{\"name\":\"stats-admin\",\"role\":\"team_admin\",\"team\":\"team-stats\"}", owner);
        assertThat(minted.status()).as(minted.body()).isEqualTo(201);
        Map<String, String> teamAdmin = Map.of("authorization", "Bearer " + minted.json().path("key").asText());

        Http.Response mine = gw.http().get("/admin/cache", teamAdmin);
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        JsonNode s = mine.json();
        assertThat(s.path("team").asText()).isEqualTo("team-stats");
        assertThat(s.path("hits").asLong()).isEqualTo(2);
        assertThat(s.path("misses").asLong()).isEqualTo(1);
        assertThat(s.path("stores").asLong()).isEqualTo(1);
        assertThat(s.path("hit_rate").asDouble()).isEqualTo(0.6667);
        assertThat(s.has("index_entries")).as("organisation-wide figures are not shown to a team").isFalse();
        assertThat(s.has("evictions")).isFalse();
        assertThat(gw.http().get("/admin/cache?team=team-b", teamAdmin).status()).isEqualTo(403);

        JsonNode asOwner = gw.http().get("/admin/cache?team=team-stats", owner).json();
        assertThat(asOwner.path("hits").asLong()).isEqualTo(2);
        JsonNode org = gw.http().get("/admin/cache", owner).json();
        assertThat(org.has("team")).isFalse();
        assertThat(org.path("misses").asLong()).isGreaterThan(1);
        assertThat(org.has("index_entries")).isTrue();
    }
}
