package dev.sluice.server;

import dev.sluice.api.Json;
import dev.sluice.auth.KeyService;
import dev.sluice.config.Quota;
import dev.sluice.store.KeyRow;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code /admin/keys}: create, list, show, edit, rotate and revoke virtual keys. Owners act on
 * every key; team admins on their team's keys (new keys go to their team); viewers only read.
 */
final class KeysAdmin {
    private final AdminGuard guard;
    private final KeyService keys;

    KeysAdmin(AdminGuard guard, KeyService keys) {
        this.guard = guard;
        this.keys = keys;
    }

    void create(ServerRequest req, ServerResponse res) {
        guard.handle(req, res, call -> {
            AdminBody body = call.body();
            String team = body.text("team");
            if (team == null && call.who.team() != null) {
                team = call.who.team();
            }
            call.who.requireWrite(team, "create keys");
            KeyService.Created created = keys.create(new KeyService.Spec(body.text("name"), body.strings("models"),
                    body.strings("scopes"), body.duration("expires_in"), body.instant("expires_at"), team, body.metadata(),
                    body.quota(Quota.NONE)));
            call.audit("key.create", created.key().id(), team, null, AdminJson.keyState(created.key()));
            call.send(201, Json.write(gen -> AdminJson.key(gen, created.key(), created.secret(), call.now())));
        });
    }

    void list(ServerRequest req, ServerResponse res) {
        guard.handle(req, res, call -> {
            String team = call.query("team");
            if (call.who.team() != null) {
                call.who.requireRead(team == null ? call.who.team() : team, "keys");
                team = call.who.team();
            }
            List<KeyRow> all = keys.list(team);
            call.send(200, AdminJson.list(all, (gen, k) -> AdminJson.key(gen, k, null, call.now())));
        });
    }

    void get(ServerRequest req, ServerResponse res) {
        guard.handle(req, res, call -> {
            KeyRow key = keys.require(call.path("id"));
            call.who.requireRead(key.team(), "key " + key.id());
            call.send(200, Json.write(gen -> AdminJson.key(gen, key, null, call.now())));
        });
    }

    /** PATCH: name, models, scopes, metadata, expiry, limits and budget; fields left out stay. */
    void update(ServerRequest req, ServerResponse res) {
        guard.handle(req, res, call -> {
            KeyRow key = keys.require(call.path("id"));
            call.who.requireWrite(key.team(), "edit key " + key.id());
            AdminBody body = call.body();
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
        });
    }

    /** POST /admin/keys/{id}/rotate {"grace": "24h"}: a new secret; the old one works for the grace period. */
    void rotate(ServerRequest req, ServerResponse res) {
        guard.handle(req, res, call -> {
            KeyRow key = keys.require(call.path("id"));
            call.who.requireWrite(key.team(), "rotate key " + key.id());
            Duration grace = call.body().duration("grace");
            KeyService.Created rotated = keys.rotate(key.id(), grace == null ? Duration.ofHours(24) : grace);
            call.audit("key.rotate", key.id(), key.team(), AdminJson.keyState(key), AdminJson.keyState(rotated.key()));
            call.send(200, Json.write(gen -> AdminJson.key(gen, rotated.key(), rotated.secret(), call.now())));
        });
    }

    void revoke(ServerRequest req, ServerResponse res) {
        guard.handle(req, res, call -> {
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
        });
    }
}
