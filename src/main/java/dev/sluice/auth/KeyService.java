package dev.sluice.auth;

import dev.sluice.api.SluiceException;
import dev.sluice.config.Quota;
import dev.sluice.pipeline.Caller;
import dev.sluice.store.KeyRepository;
import dev.sluice.store.KeyRow;
import dev.sluice.store.TeamRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Virtual keys: creation (the secret is returned once and stored only as a hash), updates,
 * rotation with a grace period for the old secret, revocation and authentication. Known keys are
 * cached by hash for a few seconds, so authenticating a request costs one SHA-256 and a map
 * lookup; changes on this instance apply at once, changes made on another within the cache time.
 * While the store does not answer, a key already cached keeps serving.
 */
public final class KeyService {
    private static final long CACHE_MILLIS = 5_000;

    private final KeyRepository repository;
    private final TeamRepository teams;
    private final Clock clock;
    private final Secrets secrets = new Secrets();
    private final Map<String, Cached> byHash = new ConcurrentHashMap<>();

    private record Cached(KeyRow key, long loadedMillis) {}

    public KeyService(KeyRepository repository, TeamRepository teams, Clock clock) {
        this.repository = repository;
        this.teams = teams;
        this.clock = clock;
    }

    /** A created (or rotated) key and its secret, which is never retrievable again. */
    public record Created(KeyRow key, String secret) {}

    /** What the admin asks for when creating a key; null fields mean "none". */
    public record Spec(String name, List<String> allowedModels, List<String> scopes, Duration expiresIn,
                       Instant expiresAt, String team, Map<String, String> metadata, Quota quota) {}

    public Created create(Spec spec) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw SluiceException.invalidRequest("name", "A key needs a 'name' so you can tell keys apart.");
        }
        checkScopes(spec.scopes());
        if (spec.team() != null && teams.find(spec.team()).isEmpty()) {
            throw SluiceException.invalidRequest("team", "There is no team '" + spec.team() + "'; create it first.");
        }
        long now = clock.millis();
        Long expiresAt = expiry(spec.expiresIn(), spec.expiresAt(), now);
        String secret = secrets.newKeySecret();
        KeyRow row = new KeyRow(secrets.newKeyId(), spec.name().strip(), Secrets.sha256(secret), hint(secret), spec.team(),
                spec.allowedModels(), spec.scopes(), spec.metadata(), now, expiresAt, null, null, null, spec.quota());
        repository.insert(row);
        return new Created(row, secret);
    }

    /** Writes an edited key (name, models, scopes, metadata, expiry, quota) and drops it from the cache. */
    public KeyRow update(KeyRow edited) {
        checkScopes(edited.scopes());
        repository.update(edited);
        forget(edited.id());
        return edited;
    }

    /**
     * Gives a key a new secret. The old one keeps working for {@code grace} (zero: stops at once),
     * so clients can be switched over without downtime.
     */
    public Created rotate(String id, Duration grace) {
        KeyRow key = require(id);
        if (key.revokedAt() != null) {
            throw SluiceException.invalidRequest(null, "Key " + id + " is revoked; create a new key instead.");
        }
        String secret = secrets.newKeySecret();
        KeyRow rotated = new KeyRow(key.id(), key.name(), Secrets.sha256(secret), hint(secret), key.team(),
                key.allowedModels(), key.scopes(), key.metadata(), key.createdAt(), key.expiresAt(), null,
                grace.isZero() ? null : key.secretHash(), grace.isZero() ? null : clock.millis() + grace.toMillis(),
                key.quota());
        repository.update(rotated);
        forget(id);
        return new Created(rotated, secret);
    }

    public List<KeyRow> list(String team) {
        return repository.list(team);
    }

    public Optional<KeyRow> find(String id) {
        return repository.findById(id);
    }

    public KeyRow require(String id) {
        return repository.findById(id).orElseThrow(() -> SluiceException.notFound("There is no key with id '" + id + "'."));
    }

    /** Revokes a key at once on this node. Returns false when there is no such active key. */
    public boolean revoke(String id) {
        boolean revoked = repository.revoke(id, clock.millis());
        if (revoked) {
            forget(id);
        }
        return revoked;
    }

    /** The active key for a secret, or a 401 telling the caller what is wrong with it. */
    public KeyRow authenticate(String secret) {
        if (secret == null || secret.isBlank()) {
            throw SluiceException.unauthenticated("missing_api_key",
                    "No API key provided. Send your Sluice virtual key as 'Authorization: Bearer sk-sluice-...'.");
        }
        String hash = Secrets.sha256(secret);
        KeyRow key = lookup(hash);
        if (key == null) {
            throw SluiceException.unauthenticated("invalid_api_key",
                    "Incorrect API key provided (ending in '" + hint(secret) + "'). Ask your Sluice admin for a key.");
        }
        long now = clock.millis();
        if (key.revokedAt() != null) {
            throw SluiceException.unauthenticated("revoked_api_key",
                    "This API key (" + key.id() + ") has been revoked. Ask your Sluice admin for a new key.");
        }
        if (!hash.equals(key.secretHash()) && (key.previousValidUntil() == null || key.previousValidUntil() <= now)) {
            throw SluiceException.unauthenticated("rotated_api_key", "This secret of API key " + key.id()
                    + " was replaced by a rotation and its grace period is over. Use the new secret.");
        }
        if (key.expiresAt() != null && key.expiresAt() <= now) {
            throw SluiceException.unauthenticated("expired_api_key", "This API key (" + key.id() + ") expired at "
                    + Instant.ofEpochMilli(key.expiresAt()) + ". Ask your Sluice admin for a new key.");
        }
        return key;
    }

    private KeyRow lookup(String hash) {
        Cached c = byHash.get(hash);
        long now = clock.millis();
        if (c != null && now - c.loadedMillis() < CACHE_MILLIS) {
            return c.key();
        }
        // unknown hashes are not cached, so guessing cannot fill memory; they cost one indexed read
        KeyRow key;
        try {
            key = repository.findByHash(hash).orElse(null);
        } catch (RuntimeException storeDown) {
            if (c == null) {
                throw storeDown;
            }
            // the store does not answer: the key it last gave keeps serving, asked again after another cache
            // time (no change to it can be written meanwhile; one made just before reaches this node afterwards)
            byHash.put(hash, new Cached(c.key(), now));
            return c.key();
        }
        if (key != null) {
            byHash.put(hash, new Cached(key, now));
        } else {
            byHash.remove(hash);
        }
        return key;
    }

    private void forget(String id) {
        byHash.values().removeIf(c -> c.key().id().equals(id));
    }

    private Long expiry(Duration expiresIn, Instant expiresAt, long now) {
        if (expiresIn != null && expiresAt != null) {
            throw SluiceException.invalidRequest("expires_in", "Give either 'expires_in' or 'expires_at', not both.");
        }
        Long at = expiresIn != null ? Long.valueOf(now + expiresIn.toMillis())
                : expiresAt != null ? Long.valueOf(expiresAt.toEpochMilli()) : null;
        if (at != null && at <= now) {
            throw SluiceException.invalidRequest("expires_at", "The expiry must be in the future.");
        }
        return at;
    }

    /** {@code prompt:NAME} with a prompt name's characters. */
    private static final java.util.regex.Pattern PROMPT_SCOPE = java.util.regex.Pattern.compile(
            "prompt:[a-z0-9][a-z0-9._-]{0,63}");

    private static void checkScopes(List<String> scopes) {
        for (String scope : scopes == null ? List.<String>of() : scopes) {
            if (!Caller.SCOPES.contains(scope) && !PROMPT_SCOPE.matcher(scope).matches()) {
                throw SluiceException.invalidRequest("scopes", "Unknown scope '" + scope + "'. Known scopes: "
                        + String.join(", ", Caller.SCOPES) + ", " + Caller.SCOPE_PROMPT_PREFIX + "NAME.");
            }
        }
    }

    private static String hint(String secret) {
        return secret.length() <= 4 ? "****" : secret.substring(secret.length() - 4);
    }
}
