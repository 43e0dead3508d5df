package dev.sluice.prompts;

/**
 * Who changes the registry, for authorship and the audit log.
 *
 * @param id        the admin key id (or {@code config-owner}), or a user name from the CLI
 * @param role      the admin role ({@code owner}, {@code team_admin}, ...)
 * @param requestId the admin request that did it, or null
 */
public record Actor(String id, String role, String requestId) {}
