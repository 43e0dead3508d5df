package dev.sluice.ui;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dashboard's logins, in this gateway's memory. The browser holds only an opaque session id
 * (an {@code HttpOnly} cookie that scripts cannot read); the admin key it logged in with stays
 * here, never in the browser's storage, and is presented to the admin API on each of the session's
 * calls, so revoking the key ends the session at once. Each session has its own CSRF token that
 * every state change must echo in a header. Sessions end when idle too long, when their lifetime
 * is over, or on logout; there are at most {@link #MAX_SESSIONS} (the oldest go first).
 */
public final class Sessions {
    static final int MAX_SESSIONS = 1000;

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration ttl;
    private final Duration idle;

    /** One login. {@code adminKey} never leaves the server. */
    public static final class Session {
        private final String id;
        private final String adminKey;
        private final String csrfToken;
        private final long createdAt;
        private final AtomicLong lastSeen;

        private Session(String id, String adminKey, String csrfToken, long createdAt) {
            this.id = id;
            this.adminKey = adminKey;
            this.csrfToken = csrfToken;
            this.createdAt = createdAt;
            this.lastSeen = new AtomicLong(createdAt);
        }

        public String id() {
            return id;
        }

        public String adminKey() {
            return adminKey;
        }

        public String csrfToken() {
            return csrfToken;
        }

        public long createdAt() {
            return createdAt;
        }

        /** Whether {@code token} is this session's CSRF token (compared in constant time). */
        public boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(token.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    csrfToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    public Sessions(Clock clock, Duration ttl, Duration idle) {
        this.clock = clock;
        this.ttl = ttl;
        this.idle = idle;
    }

    /** A new session for an admin key that was just verified. */
    public Session open(String adminKey) {
        long now = clock.millis();
        if (byId.size() >= MAX_SESSIONS) {
            byId.values().removeIf(s -> expired(s, now));
            while (byId.size() >= MAX_SESSIONS) {
                byId.values().stream().min(Comparator.comparingLong(s -> s.lastSeen.get()))
                        .ifPresent(oldest -> byId.remove(oldest.id));
            }
        }
        Session s = new Session(token(), adminKey, token(), now);
        byId.put(s.id, s);
        return s;
    }

    /** The live session with this id (its idle clock restarts), or empty. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (expired(s, now)) {
            byId.remove(id);
            return Optional.empty();
        }
        s.lastSeen.set(now);
        return Optional.of(s);
    }

    /** When the session ends at the latest (its lifetime), epoch millis. */
    public long expiresAt(Session s) {
        return s.createdAt + ttl.toMillis();
    }

    public void close(Session s) {
        byId.remove(s.id);
    }

    /** Sessions open now (expired ones not yet swept may be counted). */
    public int size() {
        return byId.size();
    }

    private boolean expired(Session s, long now) {
        return now - s.createdAt >= ttl.toMillis() || now - s.lastSeen.get() >= idle.toMillis();
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
