package dev.sluice.server;

import dev.sluice.api.SluiceException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Per-request attributes. The one every guarded route has: the caller its {@link Guard} resolved
 * from the bearer token before the handler ran (or the refusal, kept until the handler asks, so
 * an endpoint can check its own preconditions first).
 */
public final class RequestContext {
    private final Map<Guard<?>, Object> principals = new IdentityHashMap<>(2);

    /**
     * Who is calling, as {@code guard} resolved it for this request.
     *
     * @throws SluiceException the refusal (401, 403) when the token did not resolve, or a 500 when
     *                         the route is not guarded by {@code guard} (a wiring mistake); another
     *                         exception when resolving failed (e.g. the store is down)
     */
    public <P> P principal(Guard<P> guard) {
        Object resolved = principals.get(guard);
        if (resolved == null) {
            throw SluiceException.internal("This route does not resolve a '" + guard.name() + "' caller.",
                    new IllegalStateException("route not guarded by " + guard.name()));
        }
        if (resolved instanceof Refusal r) {
            throw r.error();
        }
        @SuppressWarnings("unchecked")
        P principal = (P) resolved;
        return principal;
    }

    <P> void resolve(Guard<P> guard, String bearerToken) {
        Object resolved;
        try {
            resolved = guard.authenticator().authenticate(bearerToken);
            if (resolved == null) {
                throw new IllegalStateException("guard '" + guard.name() + "' resolved no principal; throw to refuse");
            }
        } catch (RuntimeException e) {
            // kept, not thrown: the handler meets it where it asks, as if it had checked the key itself
            resolved = new Refusal(e);
        }
        principals.put(guard, resolved);
    }

    private record Refusal(RuntimeException error) {}
}
