package dev.sluice.pipeline;

import dev.sluice.config.Quota;
import java.util.Set;

/**
 * Who is calling: the virtual key (by its public id, never its secret), its team, and the end
 * user the application named. {@code allowedModels} empty means every model; {@code scopes} are
 * extra permissions (e.g. {@code route:override}); the quotas are the limits and budgets set on the
 * key and on its team.
 */
public record Caller(String keyId, String keyName, String team, String user, Set<String> allowedModels,
                     Set<String> scopes, Quota keyQuota, Quota teamQuota) {
    /** How every Sluice key secret (virtual and admin) starts. */
    public static final String KEY_PREFIX = "sk-sluice-";
    /** Lets a key pin a deployment with the {@code x-sluice-deployment} header. */
    public static final String SCOPE_ROUTE_OVERRIDE = "route:override";
    /** Lets a key read every stored prompt ({@code GET /v1/prompts/{name}}); {@code prompt:NAME} lets it read one. */
    public static final String SCOPE_PROMPTS_READ = "prompts:read";
    /** The prefix of a scope naming one prompt a key may read. */
    public static final String SCOPE_PROMPT_PREFIX = "prompt:";
    /** Every fixed scope a key can be given (besides {@code prompt:NAME}). */
    public static final Set<String> SCOPES = Set.of(SCOPE_ROUTE_OVERRIDE, SCOPE_PROMPTS_READ);

    public static final Caller ANONYMOUS = new Caller(null, null, null, null, Set.of(), Set.of(), Quota.NONE, Quota.NONE);

    public Caller {
        // in the key's order: messages list them as the admin wrote them
        // most keys may use every model: no set of their own to copy (twice per request, resolved and with its user)
        allowedModels = allowedModels == null ? Set.of() : allowedModels.isEmpty() ? java.util.Collections.emptySet()
                : java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(allowedModels));
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        keyQuota = keyQuota == null ? Quota.NONE : keyQuota;
        teamQuota = teamQuota == null ? Quota.NONE : teamQuota;
    }

    /** Whether the key may fetch the stored prompt {@code name}. */
    public boolean mayReadPrompt(String name) {
        return scopes.contains(SCOPE_PROMPTS_READ) || scopes.contains(SCOPE_PROMPT_PREFIX + name);
    }

    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }

    public Caller withUser(String newUser) {
        return new Caller(keyId, keyName, team, newUser, allowedModels, scopes, keyQuota, teamQuota);
    }
}
