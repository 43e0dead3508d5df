package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Dashboard sessions: expiry, CSRF tokens and the bound on their number")
class SessionsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    private final Sessions sessions = new Sessions(clock, Duration.ofHours(12), Duration.ofMinutes(30));

    @Test
    @DisplayName("a session unused for the idle timeout ends; use keeps it alive until its lifetime is over")
    void expiry() {
        Sessions.Session s = sessions.open("admin-key");
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(s.id())).isPresent();
        for (int i = 0; i < 23; i++) {
            clock.advance(Duration.ofMinutes(29));
            assertThat(sessions.find(s.id())).as("used every 29 minutes, at %d", i).isPresent();
        }
        clock.advance(Duration.ofMinutes(29)); // 12 h 4 min after the login
        assertThat(sessions.find(s.id())).isEmpty();
        Sessions.Session idle = sessions.open("admin-key");
        clock.advance(Duration.ofMinutes(30));
        assertThat(sessions.find(idle.id())).isEmpty();
    }

    @Test
    @DisplayName("ids and CSRF tokens are long, random and distinct; only the session's own token matches")
    void tokens() {
        Sessions.Session a = sessions.open("k");
        Sessions.Session b = sessions.open("k");
        assertThat(a.id()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(b.id()).isNotEqualTo(a.csrfToken());
        assertThat(a.csrfMatches(a.csrfToken())).isTrue();
        assertThat(a.csrfMatches(b.csrfToken())).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
        assertThat(sessions.find("forged")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    @DisplayName("at most 1000 sessions: the least recently used one goes first")
    void bounded() {
        Sessions.Session first = sessions.open("k");
        clock.advance(Duration.ofSeconds(1));
        Sessions.Session second = sessions.open("k");
        clock.advance(Duration.ofSeconds(1));
        for (int i = 2; i < Sessions.MAX_SESSIONS; i++) {
            sessions.open("k");
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(first.id())).isPresent(); // used: now the most recent
        sessions.open("k");
        assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
        assertThat(sessions.find(second.id())).isEmpty();
        assertThat(sessions.find(first.id())).isPresent();
    }

    @Test
    @DisplayName("logout ends the session")
    void logout() {
        Sessions.Session s = sessions.open("k");
        sessions.close(s);
        assertThat(sessions.find(s.id())).isEmpty();
    }
}
