package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.api.Json;
import dev.sluice.auth.KeyService;
import dev.sluice.config.Quota;
import dev.sluice.store.KeyRow;
import java.time.Duration;
import java.util.List;

/**
 * {@code /admin/keys}: create, list, show, edit, rotate and revoke virtual keys. Owners act on
 * every key; team admins on their team's keys (new keys go to their team) but grant no scopes; viewers only read.
 */
public final class KeysAdmin implements Endpoints {
    private final AdminGuard guard;
    private final KeyService keys;

    public KeysAdmin(AdminGuard guard, KeyService keys) {
        this.guard = guard;
        this.keys = keys;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .post("/admin/keys", this::create)
                .get("/admin/keys", this::list)
                .get("/admin/keys/{id}", this::get)
                .patch("/admin/keys/{id}", this::update)
                .post("/admin/keys/{id}/rotate", this::rotate)
                .delete("/admin/keys/{id}", this::revoke);
    }

    private void create(AdminGuard.Call call) {
        AdminBody body = call.body();
        String team = body.text("team");
        if (team == null && call.who.team() != null) {
            team = call.who.team();
        }
        call.who.requireWrite(team, "create keys");
        requireGrant(call, List.of(), body.strings("scopes"));
        KeyService.Created created = keys.create(new KeyService.Spec(body.text("name"), body.strings("models"),
                body.strings("scopes"), body.duration("expires_in"), body.instant("expires_at"), team, body.metadata(),
                body.quota(Quota.NONE)));
        call.audit("key.create", created.key().id(), team, null, AdminJson.keyState(created.key()));
        call.send(201, Json.write(gen -> AdminJson.key(gen, created.key(), created.secret(), call.now())));
    }

    private void list(AdminGuard.Call call) {
        String team = call.query("team");
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, "keys");
            team = call.who.team();
        }
        List<KeyRow> all = keys.list(team);
        call.send(200, AdminJson.list(all, (gen, k) -> AdminJson.key(gen, k, null, call.now())));
    }

    private void get(AdminGuard.Call call) {
        KeyRow key = keys.require(call.path("id"));
        call.who.requireRead(key.team(), "key " + key.id());
        call.send(200, Json.write(gen -> AdminJson.key(gen, key, null, call.now())));
    }

    /** PATCH: name, models, scopes, metadata, expiry, limits and budget; fields left out stay. */
    private void update(AdminGuard.Call call) {
        KeyRow key = keys.require(call.path("id"));
        call.who.requireWrite(key.team(), "edit key " + key.id());
        AdminBody body = call.body();
        if (body.has("scopes")) {
            requireGrant(call, key.scopes(), body.strings("scopes"));
        }
        Long expiresAt = key.expiresAt();
        if (body.has("expires_in")) {
            expiresAt = call.now() + body.duration("expires_in").toMillis();
        } else if (body.has("expires_at")) {
            expiresAt = body.instant("expires_at").toEpochMilli();
        }
        KeyRow edited = new KeyRow(key.id(), body.has("name") ? body.text("name") : key.name(), key.secretHash(),
                key.secretHint(), key.team(), body.has("models") ? body.strings("models") : key.allowedModels(),
                body.has("scopes") ? body.strings("scopes") : key.scopes(),
                body.has("metadata") ? body.metadata() : key.metadata(), key.createdAt(), expiresAt, key.revokedAt(),
                key.previousHash(), key.previousValidUntil(), body.quota(key.quota()));
        keys.update(edited);
        call.audit("key.update", key.id(), key.team(), AdminJson.keyState(key), AdminJson.keyState(edited));
        call.send(200, Json.write(gen -> AdminJson.key(gen, edited, null, call.now())));
    }

    /** POST /admin/keys/{id}/rotate {"grace": "24h"}: a new secret; the old one works for the grace period. */
    private void rotate(AdminGuard.Call call) {
        KeyRow key = keys.require(call.path("id"));
        call.who.requireWrite(key.team(), "rotate key " + key.id());
        if (!key.scopes().isEmpty()) {
            // A rotation hands out a new secret carrying the key's scopes: the same as granting them.
            call.who.requireOwner("rotate a key with the scopes " + String.join(", ", key.scopes()));
        }
        Duration grace = call.body().duration("grace");
        KeyService.Created rotated = keys.rotate(key.id(), grace == null ? Duration.ofHours(24) : grace);
        call.audit("key.rotate", key.id(), key.team(), AdminJson.keyState(key), AdminJson.keyState(rotated.key()));
        call.send(200, Json.write(gen -> AdminJson.key(gen, rotated.key(), rotated.secret(), call.now())));
    }

    /**
     * Scopes widen what a key may do beyond its team's routing (e.g. {@code route:override} pins a deployment),
     * so only an owner grants one; dropping scopes or keeping those a key already has is anyone's edit.
     */
    private static void requireGrant(AdminGuard.Call call, List<String> current, List<String> requested) {
        if (requested == null) {
            return;
        }
        List<String> added = requested.stream().filter(s -> !current.contains(s)).distinct().toList();
        if (!added.isEmpty()) {
            call.who.requireOwner("grant the scopes " + String.join(", ", added));
        }
    }

    private void revoke(AdminGuard.Call call) {
        KeyRow key = keys.require(call.path("id"));
        call.who.requireWrite(key.team(), "revoke key " + key.id());
        boolean revokedNow = keys.revoke(key.id());
        if (revokedNow) {
            call.audit("key.revoke", key.id(), key.team(), AdminJson.keyState(key),
                    AdminJson.keyState(keys.require(key.id())));
        }
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("id", key.id());
            gen.writeBooleanField("revoked", true);
            gen.writeBooleanField("already_revoked", !revokedNow);
            gen.writeEndObject();
        }));
    }
}
