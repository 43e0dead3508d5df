package dev.sluice.store;

import dev.sluice.config.Quota;
import java.util.List;
import java.util.Map;

/**
 * A stored virtual key (never the secret).
 *
 * @param allowedModels      empty = every model
 * @param scopes             extra permissions, e.g. {@code route:override}
 * @param expiresAt          epoch millis, or null for no expiry
 * @param revokedAt          epoch millis, or null while active
 * @param previousHash       after a rotation: the old secret's hash, valid until {@code previousValidUntil}
 * @param quota              limits and budgets set on this key
 */
public record KeyRow(String id, String name, String secretHash, String secretHint, String team,
                     List<String> allowedModels, List<String> scopes, Map<String, String> metadata, long createdAt,
                     Long expiresAt, Long revokedAt, String previousHash, Long previousValidUntil, Quota quota) {

    public KeyRow {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        quota = quota == null ? Quota.NONE : quota;
    }
}
