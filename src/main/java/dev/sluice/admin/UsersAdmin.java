package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.store.Erasure;
import java.util.Map;

/**
 * {@code DELETE /admin/users/{user}}: the right to erasure, owners only, audited (without the user's data). A user
 * id with {@code /} or other reserved characters is sent percent-encoded ({@code tenant%2Falice}).
 */
public final class UsersAdmin implements Endpoints {
    private final AdminGuard guard;
    private final Erasure erasure;

    public UsersAdmin(AdminGuard guard, Erasure erasure) {
        this.guard = guard;
        this.erasure = erasure;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes).delete("/admin/users/{user}", this::erase);
    }

    private void erase(AdminGuard.Call call) {
        call.who.requireOwner("erase an end user's data");
        String user = call.path("user");
        if (user == null || user.isBlank()) {
            throw SluiceException.invalidRequest("user", "Name the end user to erase.");
        }
        Map<String, Long> deleted = erasure.erase(user);
        call.audit("user.erase", user, null, null, Json.string(deleted));
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "user.erasure");
            gen.writeStringField("user", user);
            gen.writeObjectField("deleted", deleted);
            gen.writeEndObject();
        }));
    }
}
