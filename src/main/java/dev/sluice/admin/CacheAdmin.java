package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.cache.CacheStats;
import dev.sluice.cache.Invalidation;
import dev.sluice.cache.ResponseCache;

/** {@code /admin/cache}: the response cache's counters, and invalidation by key, team, model or all. */
public final class CacheAdmin implements Endpoints {
    private final AdminGuard guard;
    private final ResponseCache cache;

    /** @param cache the response cache, or null when none is configured */
    public CacheAdmin(AdminGuard guard, ResponseCache cache) {
        this.guard = guard;
        this.cache = cache;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .get("/admin/cache", this::stats)
                .get("/admin/cache/entries", this::entries)
                .delete("/admin/cache", this::invalidate);
    }

    /**
     * {@code DELETE /admin/cache?key_id=…&team=…&model=…} drops the cached answers produced by that
     * key, team and/or model (filters combine); {@code ?all=true} drops everything.
     */
    private void invalidate(AdminGuard.Call call) {
        ResponseCache c = requireCache();
        String keyId = blankToNull(call.query("key_id"));
        String team = blankToNull(call.query("team"));
        String model = blankToNull(call.query("model"));
        String allText = call.query("all") == null ? "false" : call.query("all");
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
        if (all || team == null) {
            call.who.requireOwner(all ? "drop every cached answer" : "drop cached answers outside a team");
        } else {
            call.who.requireWrite(team, "drop cached answers");
        }
        ResponseCache.Deleted d = c.invalidate(new Invalidation(keyId, team, model, all));
        call.audit("cache.invalidate", all ? "all" : String.join("/", String.valueOf(keyId), String.valueOf(team),
                String.valueOf(model)), team, null, null);
        call.send(200, Json.write(gen -> {
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
    }

    /**
     * {@code GET /admin/cache[?team=]}: the cache's counters since start, for the organisation or one team; a
     * team-limited admin always gets its team's, without the organisation-wide figures.
     */
    private void stats(AdminGuard.Call call) {
        String team = blankToNull(call.query("team"));
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, "cache statistics");
            team = call.who.team();
        }
        String scope = team;
        CacheStats.Snapshot s = scope == null ? requireCache().stats().snapshot() : requireCache().stats().snapshot(scope);
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "cache.stats");
            if (scope != null) {
                gen.writeStringField("team", scope);
            }
            gen.writeNumberField("hits", s.hits());
            gen.writeNumberField("semantic_hits", s.semanticHits());
            gen.writeNumberField("misses", s.misses());
            gen.writeNumberField("bypasses", s.bypasses());
            gen.writeNumberField("hit_rate", Math.round(s.hitRate() * 10_000) / 10_000.0);
            gen.writeNumberField("stores", s.stores());
            gen.writeNumberField("saved_tokens_in", s.savedPromptTokens());
            gen.writeNumberField("saved_tokens_out", s.savedCompletionTokens());
            if (scope == null) {
                gen.writeNumberField("guard_rejections", s.guardRejections());
                gen.writeNumberField("index_entries", s.indexEntries());
                gen.writeNumberField("evictions", s.evictions());
                gen.writeNumberField("redis_errors", s.redisErrors());
            }
            gen.writeEndObject();
        }));
    }

    /**
     * {@code GET /admin/cache/entries?key_id=…&team=…&model=…&limit=50}: the newest cached answers in this
     * instance's memory, without their question or answer; a team-limited admin sees its team's only.
     */
    private void entries(AdminGuard.Call call) {
        String team = blankToNull(call.query("team"));
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, "cached answers");
            team = call.who.team();
        }
        var list = requireCache().entries(blankToNull(call.query("key_id")), team, blankToNull(call.query("model")),
                call.limit());
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeArrayFieldStart("data");
            for (ResponseCache.Entry e : list) {
                gen.writeStartObject();
                gen.writeStringField("object", "cache.entry");
                gen.writeStringField("key_id", e.keyId());
                gen.writeStringField("team", e.team());
                gen.writeStringField("model", e.model());
                gen.writeStringField("user", e.endUser());
                gen.writeStringField("created_at", java.time.Instant.ofEpochMilli(e.createdMillis()).toString());
                gen.writeStringField("expires_at", java.time.Instant.ofEpochMilli(e.expiresMillis()).toString());
                gen.writeBooleanField("semantic", e.semantic());
                gen.writeNumberField("prompt_tokens", e.promptTokens());
                gen.writeNumberField("completion_tokens", e.completionTokens());
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
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
}
