package dev.sluice.auth;

import java.util.Locale;

/**
 * What an admin API key may do. Least privilege: a team admin manages only its team's keys,
 * budgets and logs; a viewer only reads (its team's, when it has one).
 */
public enum Role {
    OWNER, TEAM_ADMIN, VIEWER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role for a wire name, or null when there is none. */
    public static Role of(String wire) {
        for (Role r : values()) {
            if (r.wire().equals(wire)) {
                return r;
            }
        }
        return null;
    }
}
