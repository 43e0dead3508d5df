package dev.sluice.store;

/**
 * A key for the admin API (never the secret).
 *
 * @param role owner, team_admin or viewer
 * @param team for team roles: the team it is limited to; null for the whole organisation
 */
public record AdminKeyRow(String id, String name, String secretHash, String secretHint, String role, String team,
                          long createdAt, Long revokedAt) {}
