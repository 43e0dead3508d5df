package dev.sluice.auth;

import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.store.KeyRow;
import java.util.Set;

/**
 * Requires a valid virtual key on every /v1 call (unless auth is disabled for local use), and
 * checks that the key may use the requested model. The end user comes from the request's
 * {@code user} field or the {@code x-sluice-user} header.
 */
public final class AuthStage implements Stage {
    private final KeyService keys;
    private final TeamService teams;
    private final boolean enabled;

    public AuthStage(KeyService keys, TeamService teams, boolean enabled) {
        this.keys = keys;
        this.teams = teams;
        this.enabled = enabled;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        String user = endUser(ex);
        if (!enabled) {
            ex.caller(Caller.ANONYMOUS.withUser(user));
            return next.proceed(ex);
        }
        KeyRow key;
        try {
            key = keys.authenticate(bearer(ex.header("authorization")));
        } catch (SluiceException e) {
            return Reply.fail(e);
        }
        Caller caller = callerOf(key, user, teams);
        ex.caller(caller);
        String model = ex.requestedModel();
        if (!caller.mayUse(model)) {
            return Reply.fail(SluiceException.forbidden("model_not_allowed", "The API key " + key.id()
                    + " may not use the model '" + model + "'. It may use: " + String.join(", ", key.allowedModels()) + "."));
        }
        return next.proceed(ex);
    }

    /** Who a key is, as the pipeline sees it, with its own and its team's quotas. */
    public static Caller callerOf(KeyRow key, String user, TeamService teams) {
        return new Caller(key.id(), key.name(), key.team(), user, Set.copyOf(key.allowedModels()),
                Set.copyOf(key.scopes()), key.quota(), teams.quota(key.team()));
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    public static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).strip();
        }
        return null;
    }

    private static String endUser(Exchange ex) {
        String header = ex.header("x-sluice-user");
        if (header != null && !header.isBlank()) {
            return header;
        }
        return ex.operation() == Exchange.Operation.CHAT ? ex.chat().user() : ex.embeddings().user();
    }
}
