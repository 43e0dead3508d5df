package dev.sluice.server;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.store.Erasure;
import java.util.Map;

/** {@code DELETE /admin/users/{user}}: the right to erasure, owners only, audited (without the user's data). */
final class UsersAdmin {
    private final AdminGuard guard;
    private final Erasure erasure;

    UsersAdmin(AdminGuard guard, Erasure erasure) {
        this.guard = guard;
        this.erasure = erasure;
    }

    void erase(HttpCall http) {
        guard.handle(http, call -> {
            call.who.requireOwner("erase an end user's data");
            String user = call.path("user");
            if (user == null || user.isBlank()) {
                throw SluiceException.invalidRequest("user", "Name the end user to erase.");
            }
            Map<String, Integer> deleted = erasure.erase(user);
            call.audit("user.erase", user, null, null, Json.string(deleted));
            call.send(200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("object", "user.erasure");
                gen.writeStringField("user", user);
                gen.writeObjectField("deleted", deleted);
                gen.writeEndObject();
            }));
        });
    }
}
