package dev.sluice.prompts.rollout;

/**
 * One experiment as stored (table {@code experiments}); {@code definition} and {@code state} are
 * JSON whose shape depends on {@code kind}.
 */
public record ExperimentRow(String id, String kind, String subject, String status, String definition, String state,
                            long revision, String leaseOwner, Long leaseUntil, long createdAt, String createdBy,
                            long updatedAt) {
    public static final String AB = "ab";
    public static final String CANARY = "canary";
    public static final String SHADOW = "shadow";
}
