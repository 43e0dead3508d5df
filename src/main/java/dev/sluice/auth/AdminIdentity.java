package dev.sluice.auth;

import dev.sluice.api.SluiceException;

/**
 * Who is calling the admin API.
 *
 * @param id   the admin key's id, or {@code config-owner} for the admin key from the config
 * @param team for team roles, the team they are limited to; null = the whole organisation
 */
public record AdminIdentity(String id, Role role, String team) {
    public static final String CONFIG_OWNER = "config-owner";

    /** Fails with 403 unless this identity may change things in {@code targetTeam} (null = organisation-wide). */
    public void requireWrite(String targetTeam, String what) {
        switch (role) {
            case OWNER -> { }
            case TEAM_ADMIN -> {
                if (targetTeam == null || !targetTeam.equals(team)) {
                    throw SluiceException.forbidden("forbidden", "A team admin of '" + team + "' cannot " + what
                            + (targetTeam == null ? " outside its team." : " of team '" + targetTeam + "'."));
                }
            }
            case VIEWER -> throw SluiceException.forbidden("forbidden", "A viewer key is read-only; it cannot " + what + ".");
        }
    }

    /** Fails with 403 unless this identity may read things of {@code targetTeam}. */
    public void requireRead(String targetTeam, String what) {
        if (team != null && (targetTeam == null || !targetTeam.equals(team))) {
            throw SluiceException.forbidden("forbidden", "This key is limited to team '" + team + "'; it cannot read "
                    + what + (targetTeam == null ? "." : " of team '" + targetTeam + "'."));
        }
    }

    /** Only the owner may do organisation-level things (teams, admin keys). */
    public void requireOwner(String what) {
        if (role != Role.OWNER) {
            throw SluiceException.forbidden("forbidden", "Only an owner key can " + what + ".");
        }
    }

    /** The team whose rows this identity may see, or null for all. */
    public String visibleTeam() {
        return team;
    }
}
