package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AdminIdentity;
import dev.sluice.prompts.Actor;
import dev.sluice.prompts.LabelMove;
import dev.sluice.prompts.Prompt;
import dev.sluice.prompts.PromptDefinition;
import dev.sluice.prompts.PromptRef;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.prompts.PromptRenderer;
import dev.sluice.prompts.PromptVersion;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code /admin/prompts}: the registry over HTTP, for {@code sluice prompts} and the dashboard.
 * Viewers read (their team's prompts when the key has a team); a team admin pushes and labels its
 * team's prompts; an owner does everything, organisation-wide prompts included. Every change is
 * audited by the registry. The JSON shapes are documented in docs/prompts.md ("HTTP API").
 */
public final class PromptsAdmin implements Endpoints {
    /** Prompts one push may carry. */
    public static final int MAX_PUSH = 1_000;
    private final AdminGuard guard;
    private final PromptRegistry registry;
    private final PromptRenderer renderer;

    public PromptsAdmin(AdminGuard guard, PromptRegistry registry, PromptRenderer renderer) {
        this.guard = guard;
        this.registry = registry;
        this.renderer = renderer;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .get("/admin/prompts", this::list)
                .post("/admin/prompts", this::push)
                .get("/admin/prompts/{name}", this::show)
                .get("/admin/prompts/{name}/versions", this::versions)
                .get("/admin/prompts/{name}/versions/{version}", this::version)
                .get("/admin/prompts/{name}/diff", this::diff)
                .get("/admin/prompts/{name}/labels", this::history)
                .post("/admin/prompts/{name}/labels/{label}", this::label)
                .post("/admin/prompts/{name}/labels/{label}/rollback", this::rollback);
    }

    static Actor actor(AdminGuard.Call call) {
        return new Actor(call.who.id(), call.who.role().wire(), call.http.requestId());
    }

    private void list(AdminGuard.Call call) {
        List<JsonNode> out = new ArrayList<>();
        for (Prompt p : registry.list(call.who.visibleTeam())) {
            out.add(PromptsJson.prompt(p));
        }
        call.send(200, PromptsJson.list(out));
    }

    /**
     * Body: {@code {"prompts": [definition, ...], "message": "why"}}, each definition in the
     * {@code prompts/*.yaml} shape. All are checked (fields, templates, permissions) before any is
     * written; each gets a new version only when its content changed.
     */
    private void push(AdminGuard.Call call) {
        AdminBody body = call.body();
        JsonNode list = body.node("prompts");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_PUSH) {
            throw SluiceException.invalidRequest("prompts", "Send 'prompts': an array of 1 to " + MAX_PUSH
                    + " prompt definitions (name, messages, model, params, ...).");
        }
        List<PromptDefinition> definitions = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            PromptDefinition d;
            try {
                d = PromptDefinition.fromJson(list.get(i), null);
            } catch (SluiceException e) {
                throw new SluiceException(e.status(), e.type(), e.code(), "prompts[" + i + "]"
                        + (e.param() == null ? "" : "." + e.param()), e.getMessage());
            }
            requireWrite(call.who, d);
            definitions.add(d);
        }
        List<PromptRegistry.PushResult> results = registry.push(definitions, body.text("message"), actor(call));
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (PromptRegistry.PushResult r : results) {
            data.addObject().put("name", r.name()).put("status", r.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("version", r.version()).put("diff", r.diff());
        }
        ObjectNode out = Json.object().put("object", "list");
        out.set("data", data);
        call.send(200, PromptsJson.bytes(out));
    }

    private void requireWrite(AdminIdentity who, PromptDefinition d) {
        who.requireWrite(d.team(), "push prompt '" + d.name() + "'");
        try {
            Prompt existing = registry.prompt(d.name());
            if (!Objects.equals(existing.team(), d.team())) {
                who.requireWrite(existing.team(), "push prompt '" + d.name() + "'");
            }
        } catch (SluiceException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    private Prompt readable(AdminGuard.Call call) {
        Prompt p = registry.prompt(call.path("name"));
        call.who.requireRead(p.team(), "prompt '" + p.name() + "'");
        return p;
    }

    private Prompt writable(AdminGuard.Call call, String what) {
        Prompt p = registry.prompt(call.path("name"));
        call.who.requireWrite(p.team(), what + " of prompt '" + p.name() + "'");
        return p;
    }

    /** The prompt, its labels and its newest versions (without content). */
    private void show(AdminGuard.Call call) {
        Prompt p = readable(call);
        ObjectNode out = PromptsJson.prompt(p);
        ArrayNode versions = out.putArray("versions");
        for (PromptVersion v : registry.versions(p.name(), call.limit())) {
            ObjectNode item = PromptsJson.version(p, v, List.of());
            item.remove(List.of("messages", "params", "variables"));
            versions.add(item);
        }
        call.send(200, PromptsJson.bytes(out));
    }

    private void versions(AdminGuard.Call call) {
        Prompt p = readable(call);
        List<JsonNode> out = new ArrayList<>();
        for (PromptVersion v : registry.versions(p.name(), call.limit())) {
            out.add(PromptsJson.version(p, v, renderer.variablesOf(v)));
        }
        call.send(200, PromptsJson.list(out));
    }

    /** {@code /versions/3}, or a label: {@code /versions/production}, {@code /versions/latest}. */
    private void version(AdminGuard.Call call) {
        Prompt p = readable(call);
        String which = call.path("version");
        PromptRef ref = which.chars().allMatch(Character::isDigit) ? PromptRef.parse(p.name() + "@" + which, "version")
                : PromptRef.parse(p.name() + ":" + which, "version");
        PromptVersion v = registry.resolve(ref);
        call.send(200, PromptsJson.bytes(PromptsJson.version(p, v, renderer.variablesOf(v))));
    }

    /** {@code ?from=A&to=B}: the unified diff of two versions (default: the latest against the one before). */
    private void diff(AdminGuard.Call call) {
        Prompt p = readable(call);
        int to = versionParam(call.query("to"), "to", p.latestVersion());
        int from = versionParam(call.query("from"), "from", Math.max(1, to - 1));
        ObjectNode out = Json.object().put("object", "prompt.diff").put("prompt", p.name()).put("from", from)
                .put("to", to).put("diff", registry.diff(p.name(), from, to));
        call.send(200, PromptsJson.bytes(out));
    }

    private void history(AdminGuard.Call call) {
        Prompt p = readable(call);
        List<JsonNode> out = new ArrayList<>();
        for (LabelMove m : registry.history(p.name(), call.query("label"), call.limit())) {
            out.add(PromptsJson.move(m));
        }
        call.send(200, PromptsJson.list(out));
    }

    /** Body: {@code {"version": N, "reason": "..."}}. */
    private void label(AdminGuard.Call call) {
        Prompt p = writable(call, "move labels");
        AdminBody body = call.body();
        JsonNode version = body.node("version");
        if (version == null || !version.canConvertToInt() || version.asInt() < 1) {
            throw SluiceException.invalidRequest("version", "Send 'version': the version number the label should point at.");
        }
        LabelMove m = registry.label(p.name(), call.path("label"), version.asInt(), actor(call), body.text("reason"));
        call.send(200, PromptsJson.bytes(PromptsJson.move(m)));
    }

    /** Body (optional): {@code {"reason": "..."}}. */
    private void rollback(AdminGuard.Call call) {
        Prompt p = writable(call, "roll back labels");
        LabelMove m = registry.rollback(p.name(), call.path("label"), actor(call), call.body().text("reason"));
        call.send(200, PromptsJson.bytes(PromptsJson.move(m)));
    }

    private static int versionParam(String text, String param, int fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw SluiceException.invalidRequest(param, "'" + param + "' is a version number from 1.");
    }
}
