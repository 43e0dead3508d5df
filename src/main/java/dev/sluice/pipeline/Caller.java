package dev.sluice.pipeline;

import java.util.Set;

/**
 * Who is calling: the virtual key (by its public id, never its secret), its team, and the end
 * user the application named. {@code allowedModels} empty means every model.
 */
public record Caller(String keyId, String keyName, String team, String user, Set<String> allowedModels) {
    public static final Caller ANONYMOUS = new Caller(null, null, null, null, Set.of());

    public Caller {
        allowedModels = allowedModels == null ? Set.of() : Set.copyOf(allowedModels);
    }

    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }

    public Caller withUser(String newUser) {
        return new Caller(keyId, keyName, team, newUser, allowedModels);
    }
}
