package dev.sluice.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.api.Json;
import dev.sluice.config.Quota;
import dev.sluice.store.AdminKeyRow;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.KeyRow;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.ReviewItem;
import dev.sluice.store.TeamRow;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How the admin API writes its objects. Secrets appear only in the one answer that creates them. */
final class AdminJson {
    private AdminJson() {}

    /** Opens a key's object with what virtual and admin keys share: id, name, the secret (once), the hint. */
    private static void openKey(JsonGenerator gen, String id, String name, String secret, String hint) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", id);
        gen.writeStringField("name", name);
        if (secret != null) {
            gen.writeStringField("key", secret);
        }
        gen.writeStringField("hint", "..." + hint);
    }

    static void key(JsonGenerator gen, KeyRow k, String secret, long nowMillis) throws IOException {
        openKey(gen, k.id(), k.name(), secret, k.secretHint());
        gen.writeStringField("status", k.revokedAt() != null ? "revoked"
                : k.expiresAt() != null && k.expiresAt() <= nowMillis ? "expired" : "active");
        strings(gen, "models", k.allowedModels());
        strings(gen, "scopes", k.scopes());
        gen.writeStringField("team", k.team());
        gen.writeObjectField("metadata", k.metadata());
        quota(gen, k.quota());
        instant(gen, "created_at", k.createdAt());
        instant(gen, "expires_at", k.expiresAt());
        instant(gen, "revoked_at", k.revokedAt());
        instant(gen, "previous_secret_valid_until", k.previousValidUntil());
        gen.writeEndObject();
    }

    /** The state of a key kept in the audit log: everything but secrets and hashes. */
    static String keyState(KeyRow k) {
        return new String(Json.write(gen -> key(gen, k, null, 0)), java.nio.charset.StandardCharsets.UTF_8);
    }

    static void team(JsonGenerator gen, TeamRow t) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", t.id());
        gen.writeStringField("name", t.name());
        gen.writeObjectField("metadata", t.metadata());
        quota(gen, t.quota());
        instant(gen, "created_at", t.createdAt());
        gen.writeEndObject();
    }

    static String teamState(TeamRow t) {
        return new String(Json.write(gen -> team(gen, t)), java.nio.charset.StandardCharsets.UTF_8);
    }

    static void adminKey(JsonGenerator gen, AdminKeyRow k, String secret) throws IOException {
        openKey(gen, k.id(), k.name(), secret, k.secretHint());
        gen.writeStringField("role", k.role());
        gen.writeStringField("team", k.team());
        gen.writeStringField("status", k.revokedAt() == null ? "active" : "revoked");
        instant(gen, "created_at", k.createdAt());
        instant(gen, "revoked_at", k.revokedAt());
        gen.writeEndObject();
    }

    static String adminKeyState(AdminKeyRow k) {
        return new String(Json.write(gen -> adminKey(gen, k, null)), java.nio.charset.StandardCharsets.UTF_8);
    }

    static void audit(JsonGenerator gen, AuditEntry e) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("ts", Instant.ofEpochMilli(e.ts()).toString());
        gen.writeStringField("actor", e.actor());
        gen.writeStringField("role", e.role());
        gen.writeStringField("action", e.action());
        gen.writeStringField("target", e.target());
        gen.writeStringField("team", e.team());
        raw(gen, "before", e.beforeJson());
        raw(gen, "after", e.afterJson());
        gen.writeStringField("request_id", e.requestId());
        gen.writeEndObject();
    }

    static void record(JsonGenerator gen, RequestRecord r) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("ts", Instant.ofEpochMilli(r.ts()).toString());
        gen.writeStringField("request_id", r.requestId());
        gen.writeStringField("key_id", r.keyId());
        gen.writeStringField("team", r.team());
        gen.writeStringField("user", r.endUser());
        gen.writeStringField("operation", r.operation());
        gen.writeStringField("model", r.model());
        gen.writeStringField("provider", r.provider());
        gen.writeStringField("upstream_model", r.upstreamModel());
        gen.writeBooleanField("stream", r.stream());
        gen.writeNumberField("status", r.status());
        gen.writeStringField("error_type", r.errorType());
        nullableNumber(gen, "tokens_in", r.tokensIn());
        nullableNumber(gen, "tokens_out", r.tokensOut());
        if (r.costUsd() == null) {
            gen.writeNullField("cost_usd");
        } else {
            gen.writeNumberField("cost_usd", r.costUsd());
        }
        nullableNumber(gen, "ttft_ms", r.ttftMs() < 0 ? null : (int) r.ttftMs());
        gen.writeNumberField("latency_ms", r.latencyMs());
        gen.writeNumberField("attempts", r.attempts());
        gen.writeStringField("cache_status", r.cacheStatus());
        if (r.cacheSimilarity() == null) {
            gen.writeNullField("cache_similarity");
        } else {
            gen.writeNumberField("cache_similarity", Math.round(r.cacheSimilarity() * 10_000) / 10_000.0);
        }
        nullableNumber(gen, "saved_tokens_in", r.savedTokensIn());
        nullableNumber(gen, "saved_tokens_out", r.savedTokensOut());
        gen.writeStringField("trace_id", r.traceId());
        gen.writeStringField("session_id", r.sessionId());
        raw(gen, "tags", r.tags());
        gen.writeStringField("guardrails", r.guardrails());
        if (r.prompt() != null) {
            gen.writeObjectFieldStart("prompt");
            gen.writeStringField("name", r.prompt());
            nullableNumber(gen, "version", r.promptVersion());
            gen.writeStringField("experiment", r.experiment());
            gen.writeStringField("variant", r.variant());
            gen.writeEndObject();
        } else if (r.experiment() != null) {   // a model's A/B arm, canary side or shadow copy
            gen.writeStringField("experiment", r.experiment());
            gen.writeStringField("variant", r.variant());
        }
        gen.writeStringField("fallback_model", r.fallbackModel());
        gen.writeStringField("route_reason", r.routeReason());
        raw(gen, "attempt_log", r.attemptLog());
        gen.writeEndObject();
    }

    static void quota(JsonGenerator gen, Quota q) throws IOException {
        gen.writeObjectFieldStart("limits");
        nullableNumber(gen, "rpm", q.rpm());
        nullableNumber(gen, "tpm", q.tpm());
        nullableNumber(gen, "concurrency", q.concurrency());
        gen.writeEndObject();
        gen.writeObjectFieldStart("budget");
        nullableNumber(gen, "daily_usd", q.dailyUsd());
        nullableNumber(gen, "monthly_usd", q.monthlyUsd());
        gen.writeEndObject();
    }

    /** One review-queue item (without the request's bodies). */
    static void review(JsonGenerator gen, ReviewItem r) throws IOException {
        gen.writeStartObject();
        reviewFields(gen, r);
        gen.writeEndObject();
    }

    /** A review item's fields, for an object the caller opened (the detail view adds the bodies). */
    static void reviewFields(JsonGenerator gen, ReviewItem r) throws IOException {
        gen.writeStringField("object", "review_item");
        gen.writeStringField("id", r.id());
        instant(gen, "ts", r.ts());
        gen.writeStringField("request_id", r.requestId());
        gen.writeStringField("trace_id", r.traceId());
        gen.writeStringField("key_id", r.keyId());
        gen.writeStringField("team", r.teamOrNull());
        gen.writeStringField("model", r.model());
        gen.writeStringField("prompt", r.prompt());
        gen.writeStringField("reason", r.reason());
        nullableNumber(gen, "score", r.score());
        gen.writeStringField("status", r.status());
        gen.writeStringField("label", r.label());
        gen.writeStringField("comment", r.comment());
        gen.writeStringField("labelled_by", r.labelledBy());
        instant(gen, "labelled_at", r.labelledAt());
    }

    /** {@code {"object":"list","data":[...]}} */
    static <T> byte[] list(List<T> items, Item<T> writer) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeArrayFieldStart("data");
            for (T item : items) {
                writer.write(gen, item);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    @FunctionalInterface
    interface Item<T> {
        void write(JsonGenerator gen, T item) throws IOException;
    }

    static byte[] object(Map<String, Object> fields) {
        return Json.bytes(fields);
    }

    private static void strings(JsonGenerator gen, String field, List<String> values) throws IOException {
        gen.writeArrayFieldStart(field);
        for (String v : values) {
            gen.writeString(v);
        }
        gen.writeEndArray();
    }

    private static void raw(JsonGenerator gen, String field, String json) throws IOException {
        if (json == null) {
            gen.writeNullField(field);
        } else {
            gen.writeFieldName(field);
            gen.writeRawValue(json);
        }
    }

    private static void instant(JsonGenerator gen, String field, Long millis) throws IOException {
        if (millis == null) {
            gen.writeNullField(field);
        } else {
            gen.writeStringField(field, Instant.ofEpochMilli(millis).toString());
        }
    }

    /** The number, or null when there is none (the field is always there). */
    private static void nullableNumber(JsonGenerator gen, String field, Number value) throws IOException {
        if (value == null) {
            gen.writeNullField(field);
        } else {
            Json.optionalNumber(gen, field, value);
        }
    }
}
