package dev.sluice.server;

import dev.sluice.api.SluiceException;

/**
 * Who may call a route, resolved once per request from its {@code Authorization: Bearer} token
 * before the handler runs (so before any body is read). The route's handler reads the result with
 * {@code call.context().principal(guard)}. The server knows nothing of keys: the authenticator
 * is wired in by the assembly ({@code app}). Guards are compared by identity.
 *
 * @param <P> what it resolves to (the pipeline's {@code Caller}, an admin identity...)
 */
public final class Guard<P> {
    private final String name;
    private final Authenticator<P> authenticator;

    /** @param name what the guard checks, for messages (e.g. "virtual key", "admin key") */
    public Guard(String name, Authenticator<P> authenticator) {
        this.name = name;
        this.authenticator = authenticator;
    }

    public String name() {
        return name;
    }

    Authenticator<P> authenticator() {
        return authenticator;
    }

    @FunctionalInterface
    public interface Authenticator<P> {
        /**
         * @param bearerToken the token, or null when the request has none
         * @return who is calling, never null
         * @throws SluiceException to refuse (kept until the handler asks)
         */
        P authenticate(String bearerToken);
    }
}
