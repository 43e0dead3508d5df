package dev.sluice.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AuthStage;
import dev.sluice.auth.KeyService;
import dev.sluice.auth.Secrets;
import dev.sluice.cache.CacheStats;
import dev.sluice.cache.Invalidation;
import dev.sluice.cache.ResponseCache;
import dev.sluice.config.Durations;
import dev.sluice.store.KeyRow;
import dev.sluice.store.RequestLogReader;
import dev.sluice.store.RequestRecord;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The management API under {@code /admin}: virtual keys (create, list, show, revoke), the
 * request log, and the response cache (counters, invalidation). Every call needs the admin key; without one configured the API is off.
 */
final class AdminEndpoints {
    private final KeyService keys;
    private final RequestLogReader logs;
    private final String adminKey;
    private final long maxBodyBytes;
    private final Clock clock;
    private final ResponseCache cache;

    /** @param cache the response cache, or null when none is configured */
    AdminEndpoints(KeyService keys, RequestLogReader logs, ResponseCache cache, String adminKey, long maxBodyBytes,
                   Clock clock) {
        this.cache = cache;
        this.keys = keys;
        this.logs = logs;
        this.adminKey = adminKey;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    void createKey(ServerRequest req, ServerResponse res) {
        guarded(req, res, () -> {
            JsonNode body = Json.parse(HttpIo.readBody(req, maxBodyBytes));
            if (!body.isObject()) {
                throw SluiceException.invalidRequest(null, "The request body must be a JSON object.");
            }
            KeyService.Created created = keys.create(new KeyService.Spec(text(body, "name"), strings(body, "models"),
                    duration(body, "expires_in"), instant(body, "expires_at"), text(body, "team"), metadata(body)));
            HttpIo.sendJson(res, 201, Json.write(gen -> writeKey(gen, created.key(), created.secret())));
        });
    }

    void listKeys(ServerRequest req, ServerResponse res) {
        guarded(req, res, () -> {
            List<KeyRow> all = keys.list();
            HttpIo.sendJson(res, 200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("object", "list");
                gen.writeArrayFieldStart("data");
                for (KeyRow k : all) {
                    writeKey(gen, k, null);
                }
                gen.writeEndArray();
                gen.writeEndObject();
            }));
        });
    }

    void getKey(ServerRequest req, ServerResponse res) {
        guarded(req, res, () -> {
            String id = req.path().pathParameters().get("id");
            KeyRow key = keys.find(id).orElseThrow(() -> SluiceException.notFound("There is no key with id '" + id + "'."));
            HttpIo.sendJson(res, 200, Json.write(gen -> writeKey(gen, key, null)));
        });
    }

    void revokeKey(ServerRequest req, ServerResponse res) {
        guarded(req, res, () -> {
            String id = req.path().pathParameters().get("id");
            KeyRow key = keys.find(id).orElseThrow(() -> SluiceException.notFound("There is no key with id '" + id + "'."));
            boolean revokedNow = keys.revoke(id);
            HttpIo.sendJson(res, 200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("id", key.id());
                gen.writeBooleanField("revoked", true);
                gen.writeBooleanField("already_revoked", !revokedNow);
                gen.writeEndObject();
            }));
        });
    }

    void requestLog(ServerRequest req, ServerResponse res) {
        guarded(req, res, () -> {
            var query = req.query();
            int limit = 50;
            if (query.contains("limit")) {
                try {
                    limit = Math.clamp(Integer.parseInt(query.get("limit")), 1, 1000);
                } catch (NumberFormatException e) {
                    throw SluiceException.invalidType("limit", "an integer between 1 and 1000");
                }
            }
            List<RequestRecord> rows = logs.recent(limit, query.first("request_id").orElse(null),
                    query.first("key_id").orElse(null));
            HttpIo.sendJson(res, 200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("object", "list");
                gen.writeArrayFieldStart("data");
                for (RequestRecord r : rows) {
                    writeRecord(gen, r);
                }
                gen.writeEndArray();
                gen.writeEndObject();
            }));
        });
    }

    /**
     * {@code DELETE /admin/cache?key_id=…&team=…&model=…} drops the cached answers produced by that
     * key, team and/or model (filters combine); {@code ?all=true} drops everything.
     */
    void invalidateCache(ServerRequest req, ServerResponse res) {
        guarded(req, res, () -> {
            ResponseCache c = requireCache();
            var query = req.query();
            String keyId = blankToNull(query.first("key_id").orElse(null));
            String team = blankToNull(query.first("team").orElse(null));
            String model = blankToNull(query.first("model").orElse(null));
            String allText = query.first("all").orElse("false");
            if (!allText.equals("true") && !allText.equals("false")) {
                throw SluiceException.invalidType("all", "true or false");
            }
            boolean all = allText.equals("true");
            if (!all && keyId == null && team == null && model == null) {
                throw SluiceException.invalidRequest(null, "Say which cached answers to drop: key_id, team and/or "
                        + "model (they combine), or all=true for everything.");
            }
            if (all && (keyId != null || team != null || model != null)) {
                throw SluiceException.invalidRequest("all", "all=true drops everything; leave out key_id, team and model, "
                        + "or leave out all.");
            }
            ResponseCache.Deleted d = c.invalidate(new Invalidation(keyId, team, model, all));
            HttpIo.sendJson(res, 200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("object", "cache.invalidation");
                gen.writeNumberField("deleted", d.memory() + d.index() + d.redis());
                gen.writeObjectFieldStart("tiers");
                gen.writeNumberField("memory", d.memory());
                gen.writeNumberField("index", d.index());
                gen.writeNumberField("redis", d.redis());
                gen.writeEndObject();
                gen.writeEndObject();
            }));
        });
    }

    /** {@code GET /admin/cache}: the cache's counters since start. */
    void cacheStats(ServerRequest req, ServerResponse res) {
        guarded(req, res, () -> {
            CacheStats.Snapshot s = requireCache().stats().snapshot();
            HttpIo.sendJson(res, 200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("object", "cache.stats");
                gen.writeNumberField("hits", s.hits());
                gen.writeNumberField("semantic_hits", s.semanticHits());
                gen.writeNumberField("misses", s.misses());
                gen.writeNumberField("bypasses", s.bypasses());
                gen.writeNumberField("hit_rate", Math.round(s.hitRate() * 10_000) / 10_000.0);
                gen.writeNumberField("stores", s.stores());
                gen.writeNumberField("guard_rejections", s.guardRejections());
                gen.writeNumberField("saved_tokens_in", s.savedPromptTokens());
                gen.writeNumberField("saved_tokens_out", s.savedCompletionTokens());
                gen.writeNumberField("index_entries", s.indexEntries());
                gen.writeNumberField("evictions", s.evictions());
                gen.writeNumberField("redis_errors", s.redisErrors());
                gen.writeEndObject();
            }));
        });
    }

    private ResponseCache requireCache() {
        if (cache == null) {
            throw new SluiceException(409, "invalid_request_error", "cache_disabled", null,
                    "The response cache is off. Add a cache: section to the config to turn it on.");
        }
        return cache;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private void guarded(ServerRequest req, ServerResponse res, Work work) {
        try {
            if (adminKey == null) {
                throw SluiceException.forbidden("admin_disabled",
                        "The admin API is off: no admin key is configured. Set auth.admin_key (e.g. ${env:SLUICE_ADMIN_KEY}).");
            }
            String given = AuthStage.bearer(req.headers().first(io.helidon.http.HeaderNames.AUTHORIZATION).orElse(null));
            if (given == null) {
                throw SluiceException.unauthenticated("missing_admin_key",
                        "The admin API needs the admin key as 'Authorization: Bearer <admin key>'.");
            }
            if (!Secrets.constantTimeEquals(given, adminKey)) {
                throw SluiceException.unauthenticated("invalid_admin_key", "The admin key is not correct.");
            }
            work.run();
        } catch (SluiceException e) {
            HttpIo.sendError(res, e);
        }
    }

    @FunctionalInterface
    private interface Work {
        void run();
    }

    private void writeKey(JsonGenerator gen, KeyRow k, String secret) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", k.id());
        gen.writeStringField("name", k.name());
        if (secret != null) {
            gen.writeStringField("key", secret);
        }
        gen.writeStringField("hint", "..." + k.secretHint());
        gen.writeStringField("status", k.revokedAt() != null ? "revoked"
                : k.expiresAt() != null && k.expiresAt() <= clock.millis() ? "expired" : "active");
        gen.writeArrayFieldStart("models");
        for (String m : k.allowedModels()) {
            gen.writeString(m);
        }
        gen.writeEndArray();
        if (k.team() != null) {
            gen.writeStringField("team", k.team());
        }
        gen.writeObjectField("metadata", k.metadata());
        gen.writeStringField("created_at", Instant.ofEpochMilli(k.createdAt()).toString());
        writeInstant(gen, "expires_at", k.expiresAt());
        writeInstant(gen, "revoked_at", k.revokedAt());
        gen.writeEndObject();
    }

    private static void writeRecord(JsonGenerator gen, RequestRecord r) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("ts", Instant.ofEpochMilli(r.ts()).toString());
        gen.writeStringField("request_id", r.requestId());
        gen.writeStringField("key_id", r.keyId());
        gen.writeStringField("user", r.endUser());
        gen.writeStringField("operation", r.operation());
        gen.writeStringField("model", r.model());
        gen.writeStringField("provider", r.provider());
        gen.writeStringField("upstream_model", r.upstreamModel());
        gen.writeBooleanField("stream", r.stream());
        gen.writeNumberField("status", r.status());
        gen.writeStringField("error_type", r.errorType());
        writeNullableInt(gen, "tokens_in", r.tokensIn());
        writeNullableInt(gen, "tokens_out", r.tokensOut());
        writeNullableInt(gen, "ttft_ms", r.ttftMs() < 0 ? null : (int) r.ttftMs());
        gen.writeNumberField("latency_ms", r.latencyMs());
        gen.writeNumberField("attempts", r.attempts());
        gen.writeStringField("cache_status", r.cacheStatus());
        if (r.cacheSimilarity() == null) {
            gen.writeNullField("cache_similarity");
        } else {
            gen.writeNumberField("cache_similarity", Math.round(r.cacheSimilarity() * 10_000) / 10_000.0);
        }
        writeNullableInt(gen, "saved_tokens_in", r.savedTokensIn());
        writeNullableInt(gen, "saved_tokens_out", r.savedTokensOut());
        gen.writeEndObject();
    }

    private static void writeNullableInt(JsonGenerator gen, String field, Integer value) throws IOException {
        if (value == null) {
            gen.writeNullField(field);
        } else {
            gen.writeNumberField(field, value);
        }
    }

    private static void writeInstant(JsonGenerator gen, String field, Long millis) throws IOException {
        if (millis == null) {
            gen.writeNullField(field);
        } else {
            gen.writeStringField(field, Instant.ofEpochMilli(millis).toString());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw SluiceException.invalidType(field, "a string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw SluiceException.invalidType(field, "an array of model names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw SluiceException.invalidType(field, "an array of model names");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static Duration duration(JsonNode body, String field) {
        String text = text(body, field);
        if (text == null) {
            return null;
        }
        Duration d = Durations.parse(text);
        if (d == null || d.isZero() || d.isNegative()) {
            throw SluiceException.invalidRequest(field, "'" + field + "' must be a duration like 30m, 12h or 30d.");
        }
        return d;
    }

    private static Instant instant(JsonNode body, String field) {
        String text = text(body, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw SluiceException.invalidRequest(field, "'" + field + "' must be an ISO-8601 instant like 2027-01-31T00:00:00Z.");
        }
    }

    private static Map<String, String> metadata(JsonNode body) {
        JsonNode v = body.get("metadata");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw SluiceException.invalidType("metadata", "an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw SluiceException.invalidType("metadata." + e.getKey(), "a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
