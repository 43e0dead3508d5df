package dev.sluice.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("HeaderForwarder keeps the gateway's own secrets back, and only them")
class HeaderForwarderTest {
    @Test
    @DisplayName("a long config secret is refused anywhere in a value; a short one only as the whole value or a bearer token")
    void secretsOfEveryLength() {
        HeaderForwarder f = new HeaderForwarder(List.of("*"), List.of("config-admin-key-0123456789", "tok"));
        Map<String, String> out = f.select(Map.of(
                "authorization", "Bearer tok",
                "x-api-key", "tok",
                "x-embedded", "k=config-admin-key-0123456789;",
                "x-token-name", "stock",
                "x-sluice", "sk-sluice-abc",
                "x-plain", "hello"), false);
        assertThat(out).containsOnlyKeys("x-token-name", "x-plain");
    }
}
