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
        node.allowOnly(Set.of("enabled", "session_ttl", "idle_timeout", "secure_cookie", "login_failures_per_ip",
                "login_failures_per_key_prefix", "login_failure_window"));
        Duration ttl = node.duration("session_ttl", DashboardConfig.DEFAULT_SESSION_TTL);
        Duration idle = node.duration("idle_timeout", DashboardConfig.DEFAULT_IDLE_TIMEOUT);
        if (ttl.isZero()) {
            throw node.get("session_ttl").error("a session must last a while", "e.g. session_ttl: 12h");
        }
        if (idle.isZero()) {
            throw node.get("idle_timeout").error("the idle timeout must be positive", "e.g. idle_timeout: 30m");
        }
        Duration window = node.duration("login_failure_window", DashboardConfig.DEFAULT_LOGIN_FAILURE_WINDOW);
        if (window.isZero()) {
            throw node.get("login_failure_window").error("the window must be positive", "e.g. login_failure_window: 15m");
        }
        return new DashboardConfig(node.bool("enabled", false), ttl, idle, node.bool("secure_cookie", false),
                node.integer("login_failures_per_ip", DashboardConfig.DEFAULT_LOGIN_FAILURES_PER_IP, 0, 1_000_000),
                node.integer("login_failures_per_key_prefix", DashboardConfig.DEFAULT_LOGIN_FAILURES_PER_KEY_PREFIX, 0, 1_000_000),
                window);
    }
}
