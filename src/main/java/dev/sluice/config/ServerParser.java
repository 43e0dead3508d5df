package dev.sluice.config;

import java.time.Duration;
import java.util.Set;

/** Reads the {@code server:} section: where to listen, body limit, drain time. */
final class ServerParser {
    private ServerParser() {}

    static ServerConfig parse(YamlNode node) {
        if (node == null) {
            return new ServerConfig("0.0.0.0", 8080, 20L * 1024 * 1024, Duration.ofSeconds(30));
        }
        node.allowOnly(Set.of("host", "port", "max_body_bytes", "drain_timeout"));
        return new ServerConfig(node.string("host", "0.0.0.0"), node.integer("port", 8080, 0, 65535),
                node.bytes("max_body_bytes", 20L * 1024 * 1024), node.duration("drain_timeout", Duration.ofSeconds(30)));
    }
}
