package dev.sluice.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.config.ConfigReloader;
import dev.sluice.config.ReloadResult;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import java.io.IOException;
import java.util.List;

/**
 * {@code POST /admin/config/reload} re-reads {@code sluice.yaml} (and its {@code ${file:}} secrets)
 * and swaps what changed; {@code GET /admin/config} says which config generation serves and how
 * the last reload went. Both need the owner role. A file that does not validate answers 400 in the
 * OpenAI error format with every problem in {@code error.errors}, and the running config stays.
 */
public final class ConfigAdmin implements Endpoints {
    private final AdminGuard guard;
    private final ConfigReloader reloader;

    public ConfigAdmin(AdminGuard guard, ConfigReloader reloader) {
        this.guard = guard;
        this.reloader = reloader;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .get("/admin/config", this::status)
                .post("/admin/config/reload", this::reload);
    }

    private void reload(AdminGuard.Call call) {
        call.who.requireOwner("reload the config");
        ReloadResult r;
        try {
            r = reloader.reload("admin_api", call.who.id(), call.who.role().wire(), call.http.requestId());
        } catch (IllegalStateException e) {
            throw new SluiceException(409, "invalid_request_error", "config_not_reloadable", null,
                    "This gateway cannot reload its config: " + e.getMessage() + ".");
        }
        if (r.rejected()) {
            call.send(400, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeObjectFieldStart("error");
                gen.writeStringField("message", "The config was not reloaded; the running config (generation "
                        + r.generation() + ") keeps serving. Fix these problems and reload again: "
                        + String.join(" | ", r.errors()));
                gen.writeStringField("type", "invalid_request_error");
                gen.writeStringField("code", "config_invalid");
                gen.writeNullField("param");
                strings(gen, "errors", r.errors());
                gen.writeEndObject();
                gen.writeEndObject();
            }));
            return;
        }
        call.send(200, Json.write(gen -> write(gen, r)));
    }

    private void status(AdminGuard.Call call) {
        call.who.requireOwner("see the config's reload status");
        ConfigReloader.Status s = reloader.status();
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "config.status");
            gen.writeNumberField("generation", s.generation());
            gen.writeStringField("source", s.source());
            gen.writeStringField("loaded_at", s.loadedAt().toString());
            gen.writeBooleanField("reloadable", s.reloadable());
            gen.writeBooleanField("watching", s.watching());
            if (s.last() == null) {
                gen.writeNullField("last_reload");
            } else {
                gen.writeFieldName("last_reload");
                write(gen, s.last());
            }
            gen.writeEndObject();
        }));
    }

    private static void write(JsonGenerator gen, ReloadResult r) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("object", "config.reload");
        gen.writeStringField("outcome", r.outcome());
        gen.writeNumberField("generation", r.generation());
        gen.writeStringField("source", r.source());
        gen.writeStringField("trigger", r.trigger());
        gen.writeStringField("at", r.at().toString());
        strings(gen, "changed", r.changed());
        strings(gen, "requires_restart", r.requiresRestart());
        strings(gen, "errors", r.errors());
        gen.writeEndObject();
    }

    private static void strings(JsonGenerator gen, String field, List<String> values) throws IOException {
        gen.writeArrayFieldStart(field);
        for (String v : values) {
            gen.writeString(v);
        }
        gen.writeEndArray();
    }
}
