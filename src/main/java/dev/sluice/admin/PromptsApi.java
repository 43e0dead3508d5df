package dev.sluice.admin;

import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Caller;
import dev.sluice.prompts.Prompt;
import dev.sluice.prompts.PromptNames;
import dev.sluice.prompts.PromptRef;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.prompts.PromptRenderer;
import dev.sluice.prompts.PromptVersion;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Guard;
import dev.sluice.server.HttpCall;
import dev.sluice.server.Routes;
import dev.sluice.store.StoreException;

/**
 * {@code GET /v1/prompts/{name}?label=L | ?version=N}: a prompt version for applications that render
 * prompts themselves, with a virtual key given the scope {@code prompts:read} or {@code prompt:NAME}
 * (any key when auth is off). The answer carries an {@code ETag} (the version and its content hash),
 * so an SDK can cache it and revalidate with {@code If-None-Match} (304 when nothing changed).
 * Without label or version it is the {@code production} label when there is one, else the latest.
 */
public final class PromptsApi implements Endpoints {
    private final PromptRegistry registry;
    private final PromptRenderer renderer;
    private final Guard<Caller> callers;
    private final boolean authEnabled;

    public PromptsApi(PromptRegistry registry, PromptRenderer renderer, Guard<Caller> callers, boolean authEnabled) {
        this.registry = registry;
        this.renderer = renderer;
        this.callers = callers;
        this.authEnabled = authEnabled;
    }

    @Override
    public void register(Routes routes) {
        routes.drained().guardedBy(callers).get("/v1/prompts/{name}", this::get);
    }

    private void get(HttpCall http) {
        try {
            Caller caller = http.context().principal(callers);
            String name = PromptNames.requirePrompt(http.pathParam("name"), "name");
            if (authEnabled && !caller.mayReadPrompt(name)) {
                throw SluiceException.forbidden("prompt_not_allowed", "The API key " + caller.keyId() + " may not read"
                        + " the prompt '" + name + "'. Give it the scope prompts:read or prompt:" + name + ".");
            }
            String label = http.query("label");
            String versionText = http.query("version");
            PromptRef ref;
            if (versionText != null) {
                ref = PromptRef.parse(name + "@" + versionText, "version");
                if (label != null) {
                    throw SluiceException.invalidRequest("label", "Give either label or version, not both.");
                }
            } else if (label != null) {
                ref = PromptRef.parse(name + ":" + label, "label");
            } else {
                Prompt p = registry.prompt(name);
                ref = p.labels().containsKey("production") ? new PromptRef(name, null, "production") : PromptRef.latest(name);
            }
            PromptVersion v = registry.resolve(ref);
            String etag = "\"" + v.version() + "-" + v.contentHash().substring(0, 16) + "\"";
            http.header("ETag", etag);
            http.header("Cache-Control", "private, max-age=0, must-revalidate");
            if (etag.equals(http.header("if-none-match"))) {
                http.send(304, "application/json", new byte[0]);
                return;
            }
            http.sendJson(200, PromptsJson.bytes(PromptsJson.version(registry.prompt(name), v, renderer.variablesOf(v))));
        } catch (SluiceException e) {
            http.sendError(e);
        } catch (StoreException e) {
            http.sendError(SluiceException.unavailable("The prompt registry is unavailable right now; retry shortly."));
        }
    }
}
