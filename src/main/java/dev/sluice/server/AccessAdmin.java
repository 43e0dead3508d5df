package dev.sluice.server;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AdminKeyService;
import dev.sluice.store.AdminKeyRow;

/** {@code /admin/admin-keys}: owners hand out admin keys with least-privilege roles. */
final class AccessAdmin {
    private final AdminGuard guard;
    private final AdminKeyService access;

    AccessAdmin(AdminGuard guard, AdminKeyService access) {
        this.guard = guard;
        this.access = access;
    }

    void create(HttpCall http) {
        guard.handle(http, call -> {
            call.who.requireOwner("create admin keys");
            AdminBody body = call.body();
            AdminKeyService.Created created = access.create(body.text("name"), body.text("role"), body.text("team"));
            call.audit("admin_key.create", created.key().id(), created.key().team(), null,
                    AdminJson.adminKeyState(created.key()));
            call.send(201, Json.write(gen -> AdminJson.adminKey(gen, created.key(), created.secret())));
        });
    }

    void list(HttpCall http) {
        guard.handle(http, call -> {
            call.who.requireOwner("list admin keys");
            call.send(200, AdminJson.list(access.list(), (gen, k) -> AdminJson.adminKey(gen, k, null)));
        });
    }

    void revoke(HttpCall http) {
        guard.handle(http, call -> {
            call.who.requireOwner("revoke admin keys");
            String id = call.path("id");
            AdminKeyRow key = access.find(id).orElseThrow(() -> SluiceException.notFound("There is no admin key '" + id + "'."));
            if (access.revoke(id)) {
                call.audit("admin_key.revoke", id, key.team(), AdminJson.adminKeyState(key),
                        AdminJson.adminKeyState(access.find(id).orElseThrow()));
            }
            call.send(200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("id", id);
                gen.writeBooleanField("revoked", true);
                gen.writeEndObject();
            }));
        });
    }
}
