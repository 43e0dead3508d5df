package dev.sluice.cache;

/**
 * Which cached answers to drop: those produced by one virtual key, one team, for one public model,
 * from one end user's request (erasure), or (with every filter null and {@code all}) everything.
 * Given filters combine with AND.
 */
public record Invalidation(String keyId, String team, String model, String endUser, boolean all) {

    public Invalidation {
        if (!all && keyId == null && team == null && model == null && endUser == null) {
            throw new IllegalArgumentException("name a key, team, model or end user, or ask for all");
        }
    }

    public Invalidation(String keyId, String team, String model, boolean all) {
        this(keyId, team, model, null, all);
    }

    public static Invalidation everything() {
        return new Invalidation(null, null, null, null, true);
    }

    /** The answers an end user's requests produced: what erasing that user removes from the cache. */
    public static Invalidation endUser(String user) {
        return new Invalidation(null, null, null, user, false);
    }

    /** Everything, with no filter narrowing it. */
    boolean wholeCache() {
        return all && keyId == null && team == null && model == null && endUser == null;
    }

    boolean matches(String entryKeyId, String entryTeam, String entryModel, String entryUser) {
        return (keyId == null || keyId.equals(entryKeyId)) && (team == null || team.equals(entryTeam))
                && (model == null || model.equals(entryModel)) && (endUser == null || endUser.equals(entryUser));
    }
}
