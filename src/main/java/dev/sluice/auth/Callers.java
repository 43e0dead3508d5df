package dev.sluice.auth;

import dev.sluice.pipeline.Caller;
import dev.sluice.store.KeyRow;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who is calling the OpenAI-compatible API, from the request's bearer token: the virtual key
 * (with its own and its team's quotas), or anonymous when auth is off for local use. The server
 * resolves it once per request, before the body is read; the pipeline's {@link AuthStage} then
 * checks the model and names the end user.
 */
public final class Callers {
    private final KeyService keys;
    private final TeamService teams;
    private final boolean enabled;

    public Callers(KeyService keys, TeamService teams, boolean enabled) {
        this.keys = keys;
        this.teams = teams;
        this.enabled = enabled;
    }

    /** The caller, or a 401 ({@code missing_api_key}, {@code invalid_api_key}, {@code revoked_api_key}...). */
    public Caller resolve(String bearerToken) {
        if (!enabled) {
            return Caller.ANONYMOUS;
        }
        KeyRow key = keys.authenticate(bearerToken);
        // per request: a key without model or scope lists makes no sets (Set.copyOf of an empty list made a HashSet)
        return new Caller(key.id(), key.name(), key.team(), null,
                key.allowedModels().isEmpty() ? Set.of() : new LinkedHashSet<>(key.allowedModels()),
                key.scopes().isEmpty() ? Set.of() : Set.copyOf(key.scopes()), key.quota(), teams.quota(key.team()));
    }
}
