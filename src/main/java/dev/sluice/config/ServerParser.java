package dev.sluice.config;

import java.time.Duration;
import java.util.Set;

/** Reads the {@code server:} section: where to listen, body limit, drain time, slow-client limits. */
final class ServerParser {
    private ServerParser() {}

    static ServerConfig parse(YamlNode node) {
        if (node == null) {
            return new ServerConfig("0.0.0.0", 8080, 20L * 1024 * 1024, Duration.ofSeconds(30),
                    ServerConfig.DEFAULT_HEADER_TIMEOUT, ServerConfig.DEFAULT_IDLE_TIMEOUT,
                    ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_IP);
        }
        node.allowOnly(Set.of("host", "port", "max_body_bytes", "drain_timeout", "header_timeout", "idle_timeout",
                "max_connections_per_ip", "tls", "config_watch"));
        return new ServerConfig(node.string("host", "0.0.0.0"), node.integer("port", 8080, 0, 65535),
                node.bytes("max_body_bytes", 20L * 1024 * 1024), node.duration("drain_timeout", Duration.ofSeconds(30)),
                positive(node, "header_timeout", ServerConfig.DEFAULT_HEADER_TIMEOUT),
                positive(node, "idle_timeout", ServerConfig.DEFAULT_IDLE_TIMEOUT),
                node.integer("max_connections_per_ip", ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_IP, 0, 1_000_000),
                tls(node.get("tls")), node.bool("config_watch", false));
    }

    /** {@code tls: {cert: PEM file, key: PEM file}}: both files must be readable. */
    private static ServerConfig.Tls tls(YamlNode node) {
        if (node == null) {
            return null;
        }
        node.allowOnly(Set.of("cert", "key"));
        java.nio.file.Path cert = readable(node, "cert", "the PEM certificate chain, e.g. /etc/sluice/tls/cert.pem");
        java.nio.file.Path key = readable(node, "key", "the PEM private key (PKCS#8), e.g. /etc/sluice/tls/key.pem");
        return new ServerConfig.Tls(cert, key);
    }

    private static java.nio.file.Path readable(YamlNode node, String key, String fix) {
        java.nio.file.Path p = java.nio.file.Path.of(node.requiredString(key, fix));
        if (!java.nio.file.Files.isReadable(p)) {
            throw node.get(key).error("server.tls." + key + ": cannot read " + p, fix);
        }
        return p;
    }

    private static Duration positive(YamlNode node, String key, Duration fallback) {
        Duration d = node.duration(key, fallback);
        if (d.compareTo(Duration.ofMillis(100)) < 0) {
            throw node.get(key).error("server." + key + " must be at least 100ms", "e.g. " + fallback.toSeconds() + "s");
        }
        return d;
    }
}
