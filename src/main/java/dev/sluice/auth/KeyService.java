package dev.sluice.auth;

import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Caller;
import dev.sluice.store.KeyRepository;
import dev.sluice.store.KeyRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Virtual keys: creation (the secret is returned once and stored only as a hash), listing,
 * revocation and authentication. Known keys are cached by hash, so authenticating a request costs
 * one SHA-256 and a map lookup; revocation updates the cache at once.
 */
public final class KeyService {
    private final KeyRepository repository;
    private final Clock clock;
    private final Secrets secrets = new Secrets();
    private final Map<String, KeyRow> byHash = new ConcurrentHashMap<>();

    public KeyService(KeyRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** A created key and its secret, which is never retrievable again. */
    public record Created(KeyRow key, String secret) {}

    /** What the admin asks for when creating a key; null fields mean "none". */
    public record Spec(String name, List<String> allowedModels, List<String> scopes, Duration expiresIn,
                       Instant expiresAt, String team, Map<String, String> metadata) {}

    public Created create(Spec spec) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw SluiceException.invalidRequest("name", "A key needs a 'name' so you can tell keys apart.");
        }
        if (spec.expiresIn() != null && spec.expiresAt() != null) {
            throw SluiceException.invalidRequest("expires_in", "Give either 'expires_in' or 'expires_at', not both.");
        }
        for (String scope : spec.scopes() == null ? List.<String>of() : spec.scopes()) {
            if (!Caller.SCOPES.contains(scope)) {
                throw SluiceException.invalidRequest("scopes", "Unknown scope '" + scope + "'. Known scopes: "
                        + String.join(", ", Caller.SCOPES) + ".");
            }
        }
        long now = clock.millis();
        Long expiresAt = spec.expiresIn() != null ? Long.valueOf(now + spec.expiresIn().toMillis())
                : spec.expiresAt() != null ? Long.valueOf(spec.expiresAt().toEpochMilli()) : null;
        if (expiresAt != null && expiresAt <= now) {
            throw SluiceException.invalidRequest("expires_at", "The expiry must be in the future.");
        }
        String secret = secrets.newKeySecret();
        KeyRow row = new KeyRow(secrets.newKeyId(), spec.name().strip(), Secrets.sha256(secret),
                secret.substring(secret.length() - 4), spec.team(), spec.allowedModels(), spec.scopes(), spec.metadata(), now,
                expiresAt, null);
        repository.insert(row);
        return new Created(row, secret);
    }

    public List<KeyRow> list() {
        return repository.list();
    }

    public Optional<KeyRow> find(String id) {
        return repository.findById(id);
    }

    /** Revokes a key at once on this node. Returns false when there is no such active key. */
    public boolean revoke(String id) {
        boolean revoked = repository.revoke(id, clock.millis());
        if (revoked) {
            byHash.values().removeIf(k -> k.id().equals(id));
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
        KeyRow key = byHash.get(hash);
        if (key == null) {
            key = repository.findByHash(hash).orElse(null);
            if (key == null) {
                throw SluiceException.unauthenticated("invalid_api_key",
                        "Incorrect API key provided (ending in '" + hint(secret) + "'). Ask your Sluice admin for a key.");
            }
            byHash.put(hash, key);
        }
        if (key.revokedAt() != null) {
            throw SluiceException.unauthenticated("revoked_api_key",
                    "This API key (" + key.id() + ") has been revoked. Ask your Sluice admin for a new key.");
        }
        if (key.expiresAt() != null && key.expiresAt() <= clock.millis()) {
            throw SluiceException.unauthenticated("expired_api_key", "This API key (" + key.id() + ") expired at "
                    + Instant.ofEpochMilli(key.expiresAt()) + ". Ask your Sluice admin for a new key.");
        }
        return key;
    }

    private static String hint(String secret) {
        return secret.length() <= 4 ? "****" : secret.substring(secret.length() - 4);
    }
}
