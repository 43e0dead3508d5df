package dev.sluice.config;

import java.time.Duration;
import java.util.Set;

/** Reads the {@code redis:} section: the shared Redis, or none. */
final class RedisParser {
    private RedisParser() {}

    static RedisConfig parse(YamlNode node) {
        if (node == null) {
            return null;
        }
        node.allowOnly(Set.of("url", "timeout", "fail_open", "lease_ttl"));
        String url = node.requiredString("url", "write it like redis://127.0.0.1:6379/0");
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw node.get("url").error("'" + url + "' is not a Redis URL", "write it like redis://127.0.0.1:6379/0");
        }
        Duration leaseTtl = node.duration("lease_ttl", RedisConfig.DEFAULT_LEASE_TTL);
        if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw node.get("lease_ttl").error("lease_ttl must be at least 1s",
                    "a concurrency slot is renewed every quarter of it; the default is 20s");
        }
        return new RedisConfig(url, node.duration("timeout", Duration.ofMillis(250)), node.bool("fail_open", true), leaseTtl);
    }
}
