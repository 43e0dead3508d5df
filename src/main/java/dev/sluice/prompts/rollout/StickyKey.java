package dev.sluice.prompts.rollout;

/**
 * Who a variant assignment sticks to: the end user when the request names one ({@code user} or
 * {@code x-sluice-user}), else the session, else the virtual key. The kind is part of the hashed
 * text, so a user and a key with the same id do not share a bucket.
 */
public record StickyKey(String kind, String id) {
    public static final String USER = "user";
    public static final String SESSION = "session";
    public static final String KEY = "key";

    /** The first of user, session, key that is set; null when none is (an anonymous request). */
    public static StickyKey of(String user, String session, String keyId) {
        if (user != null && !user.isEmpty()) {
            return new StickyKey(USER, user);
        }
        if (session != null && !session.isEmpty()) {
            return new StickyKey(SESSION, session);
        }
        if (keyId != null && !keyId.isEmpty()) {
            return new StickyKey(KEY, keyId);
        }
        return null;
    }

    @Override
    public String toString() {
        return kind + ":" + id;
    }
}
