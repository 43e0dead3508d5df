package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AdminKeyService;
import dev.sluice.store.AdminKeyRow;

/** {@code /admin/admin-keys}: owners hand out admin keys with least-privilege roles. */
public final class AccessAdmin implements Endpoints {
    private final AdminGuard guard;
    private final AdminKeyService access;

    public AccessAdmin(AdminGuard guard, AdminKeyService access) {
        this.guard = guard;
        this.access = access;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .post("/admin/admin-keys", this::create)
                .get("/admin/admin-keys", this::list)
                .delete("/admin/admin-keys/{id}", this::revoke);
    }

    private void create(AdminGuard.Call call) {
        call.who.requireOwner("create admin keys");
        AdminBody body = call.body();
        AdminKeyService.Created created = access.create(body.text("name"), body.text("role"), body.text("team"));
        call.audit("admin_key.create", created.key().id(), created.key().team(), null,
                AdminJson.adminKeyState(created.key()));
        call.send(201, Json.write(gen -> AdminJson.adminKey(gen, created.key(), created.secret())));
    }

    private void list(AdminGuard.Call call) {
        call.who.requireOwner("list admin keys");
        call.send(200, AdminJson.list(access.list(), (gen, k) -> AdminJson.adminKey(gen, k, null)));
    }

    private void revoke(AdminGuard.Call call) {
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
    }
}
