package dev.sluice.config;

import java.util.Set;

/** Reads the {@code routing:} section: the default strategy, retries, backoff, timeouts and circuit breakers. */
final class RoutingParser {
    static final Set<String> STRATEGIES = Set.of("weighted", "least_busy", "lowest_latency", "lowest_cost", "priority");

    private RoutingParser() {}

    static RoutingConfig parse(YamlNode node) {
        RoutingConfig d = RoutingConfig.defaults();
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("strategy", "retries", "backoff_base", "backoff_max", "max_retry_after", "timeouts",
                "circuit_breaker"));
        RoutingConfig.BreakerConfig b = d.breaker();
        YamlNode breaker = node.get("circuit_breaker");
        if (breaker != null) {
            breaker.allowOnly(Set.of("enabled", "failure_rate", "window", "min_calls", "open_for", "half_open_calls"));
            b = new RoutingConfig.BreakerConfig(breaker.bool("enabled", b.enabled()),
                    (float) breaker.number("failure_rate", b.failureRate(), 1, 100),
                    breaker.integer("window", b.window(), 1, 10_000), breaker.integer("min_calls", b.minCalls(), 1, 10_000),
                    breaker.duration("open_for", b.openFor()), breaker.integer("half_open_calls", b.halfOpenCalls(), 1, 1000));
        }
        return new RoutingConfig(strategy(node, d.strategy()), node.integer("retries", d.retries(), 0, 10),
                node.duration("backoff_base", d.backoffBase()), node.duration("backoff_max", d.backoffMax()),
                node.duration("max_retry_after", d.maxRetryAfter()), timeouts(node.get("timeouts"), TimeoutsConfig.NONE), b);
    }

    static String strategy(YamlNode node, String fallback) {
        return node.choice("strategy", fallback, STRATEGIES, "strategy");
    }

    static TimeoutsConfig timeouts(YamlNode node, TimeoutsConfig defaults) {
        if (node == null) {
            return defaults;
        }
        node.allowOnly(Set.of("ttft", "idle", "total"));
        return new TimeoutsConfig(node.duration("ttft", defaults.ttft()), node.duration("idle", defaults.idle()),
                node.duration("total", defaults.total()));
    }
}
