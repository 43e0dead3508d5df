package dev.sluice.config;

import java.util.Set;

/** Reads the {@code auth:} section: whether virtual keys are required, and the admin key. */
final class AuthParser {
    private AuthParser() {}

    static AuthConfig parse(YamlNode node) {
        if (node == null) {
            return new AuthConfig(true, null);
        }
        node.allowOnly(Set.of("enabled", "admin_key"));
        String adminKey = node.optionalString("admin_key");
        if (adminKey != null && adminKey.length() < 16) {
            throw node.get("admin_key").error("the admin key is too short to be safe",
                    "use at least 16 random characters, e.g. from `openssl rand -hex 24`");
        }
        return new AuthConfig(node.bool("enabled", true), adminKey);
    }
}
