package dev.sluice.config;

import java.time.Duration;
import java.util.Set;

/** Reads the {@code dashboard:} section (the web UI at {@code /ui}). */
final class DashboardParser {
    private DashboardParser() {}

    static DashboardConfig parse(YamlNode node) {
        if (node == null) {
            return DashboardConfig.OFF;
        }
        if (!node.isMap()) {
            throw node.error("dashboard: must be a mapping", "e.g. dashboard: {enabled: true}");
        }
        node.allowOnly(Set.of("enabled", "session_ttl", "idle_timeout", "secure_cookie"));
        Duration ttl = node.duration("session_ttl", DashboardConfig.DEFAULT_SESSION_TTL);
        Duration idle = node.duration("idle_timeout", DashboardConfig.DEFAULT_IDLE_TIMEOUT);
        if (ttl.isZero()) {
            throw node.get("session_ttl").error("a session must last a while", "e.g. session_ttl: 12h");
        }
        if (idle.isZero()) {
            throw node.get("idle_timeout").error("the idle timeout must be positive", "e.g. idle_timeout: 30m");
        }
        return new DashboardConfig(node.bool("enabled", false), ttl, idle, node.bool("secure_cookie", false));
    }
}
