package dev.sluice.prompts.rollout;

/** Where a canary is. Only RUNNING advances; PAUSED keeps its traffic split until resumed. */
public enum RolloutStatus {
    RUNNING, PAUSED, PROMOTED, ROLLED_BACK, ABORTED;

    /** Whether the rollout still splits traffic. */
    public boolean active() {
        return this == RUNNING || this == PAUSED;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RolloutStatus of(String wire) {
        return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
}
