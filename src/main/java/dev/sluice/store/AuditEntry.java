package dev.sluice.store;

/**
 * One admin action.
 *
 * @param actor      the admin key id that acted, or {@code config-owner} for the config's admin key
 * @param action     e.g. {@code key.create}, {@code key.rotate}, {@code team.update}
 * @param beforeJson the target's state before (JSON, never secrets), or null
 * @param afterJson  its state after, or null
 */
public record AuditEntry(long ts, String actor, String role, String action, String target, String team,
                         String beforeJson, String afterJson, String requestId) {}
