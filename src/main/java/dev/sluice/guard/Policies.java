package dev.sluice.guard;

import dev.sluice.pipeline.Caller;
import java.util.Map;

/**
 * Which policy applies to a request: the one bound to the caller's key (by id, then by name), else
 * to its team, else to the requested model, else the default. A binding to {@code none} turns
 * guardrails off for that caller.
 */
public final class Policies {
    private final Map<String, Policy> byName;
    private final Map<String, String> keys;
    private final Map<String, String> teams;
    private final Map<String, String> models;
    private final String defaultPolicy;

    public Policies(Map<String, Policy> byName, Map<String, String> keys, Map<String, String> teams,
                    Map<String, String> models, String defaultPolicy) {
        this.byName = Map.copyOf(byName);
        this.keys = Map.copyOf(keys);
        this.teams = Map.copyOf(teams);
        this.models = Map.copyOf(models);
        this.defaultPolicy = defaultPolicy;
    }

    /**
     * The policy a request named (a stored prompt's {@code guardrail_policy}) when there is one by
     * that name, else the caller's and model's.
     */
    public Policy resolve(Caller caller, String model, String requested) {
        if (requested != null) {
            Policy p = byName.get(requested);
            if (p != null) {
                return p;
            }
        }
        return resolve(caller, model);
    }

    /** The policy for this caller and model, or null when no guardrails apply. */
    public Policy resolve(Caller caller, String model) {
        String name = null;
        if (caller.keyId() != null) {
            name = keys.get(caller.keyId());
        }
        if (name == null && caller.keyName() != null) {
            name = keys.get(caller.keyName());
        }
        if (name == null && caller.team() != null) {
            name = teams.get(caller.team());
        }
        if (name == null && model != null) {
            name = models.get(model);
        }
        if (name == null) {
            name = defaultPolicy;
        }
        return name == null ? null : byName.get(name);
    }

    public Map<String, Policy> all() {
        return byName;
    }
}
