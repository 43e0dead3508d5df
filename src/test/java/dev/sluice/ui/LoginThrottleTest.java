package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.SluiceException;
import dev.sluice.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Dashboard login throttle: failed logins per address and per key prefix, in a sliding window")
class LoginThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(clock, 3, 5, Duration.ofMinutes(15));

    private static String guess(int i) {
        return "sk-adm-" + String.format("%05d", i) + "wrongwrongwrongwrongwrong";
    }

    @Test
    @DisplayName("the address's fourth try within the window is refused with 429 and Retry-After, until its oldest failure leaves the window")
    void perAddress() {
        for (int i = 0; i < 3; i++) {
            throttle.check("10.0.0.1", guess(i));
            clock.advance(Duration.ofMinutes(1));
            throttle.failed("10.0.0.1", guess(i));
        }
        assertThatThrownBy(() -> throttle.check("10.0.0.1", guess(9))).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("login_rate_limited");
            assertThat(e.getMessage()).contains("from this address", "Try again in 13 min 0 s");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(13));
        });
        assertThatCode(() -> throttle.check("10.0.0.2", guess(9))).as("another address").doesNotThrowAnyException();
        clock.advance(Duration.ofMinutes(13));
        assertThatCode(() -> throttle.check("10.0.0.1", guess(9))).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("a successful login clears its address's failures")
    void success() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1", guess(i));
        }
        throttle.succeeded("10.0.0.1");
        assertThatCode(() -> throttle.check("10.0.0.1", guess(0))).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("guesses of one key's prefix from many addresses are limited together")
    void perPrefix() {
        String target = "sk-adm-AbCdE";
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.1." + i, target + "guess" + i + "xxxxxxxxxxxxxxxxxxxxxx");
        }
        assertThatThrownBy(() -> throttle.check("10.0.2.1", target + "another-guess-xxxxxxxxxxxxxxx"))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.getMessage()).contains("with this key prefix"));
        assertThatCode(() -> throttle.check("10.0.2.1", guess(1))).as("another prefix").doesNotThrowAnyException();
    }

    @Test
    @DisplayName("guesses at one admin key do not lock out the others: the prefix goes past the scheme every admin key shares")
    void prefixPastTheScheme() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.3." + i, "sk-sluice-adm-Guess" + i + "xxxxxxxxxxxxxxxxxxxxxxxxxx");
        }
        assertThatThrownBy(() -> throttle.check("10.0.4.1", "sk-sluice-adm-Guess9yyyyyyyyyyyyyyyyyyyyyyyyyy"))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.getMessage()).contains("with this key prefix"));
        assertThatCode(() -> throttle.check("10.0.4.1", "sk-sluice-adm-Other0zzzzzzzzzzzzzzzzzzzzzzzzzz"))
                .as("another admin key's secret").doesNotThrowAnyException();
        assertThat(LoginThrottle.scheme("sk-sluice-adm-Other0zzzz")).isEqualTo("sk-sluice-adm-");
        assertThat(LoginThrottle.scheme("hunter2")).isEmpty();
    }

    @Test
    @DisplayName("addresses and prefixes tracked are bounded; expired ones make room")
    void bounded() {
        for (int i = 0; i < LoginThrottle.MAX_TRACKED; i++) {
            throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "same-prefix-key-for-all-of-them");
        }
        assertThat(throttle.tracked()).isLessThanOrEqualTo(LoginThrottle.MAX_TRACKED);
        clock.advance(Duration.ofMinutes(16));
        throttle.failed("192.168.0.1", guess(1));
        assertThat(throttle.tracked()).isEqualTo(2);
    }
}
