package dev.sluice.cache;

/**
 * Which cached answers to drop: those produced by one virtual key, one team, for one public model,
 * or (with every filter null and {@code all}) everything. Given filters combine with AND.
 */
public record Invalidation(String keyId, String team, String model, boolean all) {

    public Invalidation {
        if (!all && keyId == null && team == null && model == null) {
            throw new IllegalArgumentException("name a key, team or model, or ask for all");
        }
    }

    public static Invalidation everything() {
        return new Invalidation(null, null, null, true);
    }

    boolean matches(String entryKeyId, String entryTeam, String entryModel) {
        return (keyId == null || keyId.equals(entryKeyId)) && (team == null || team.equals(entryTeam))
                && (model == null || model.equals(entryModel));
    }
}
