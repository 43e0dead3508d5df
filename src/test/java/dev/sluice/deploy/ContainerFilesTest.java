package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.app.Registries;
import dev.sluice.config.SluiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of the Dockerfile and deploy/compose.yaml on a machine without a container
 * engine: that they agree with each other, with the gateway's config, and with what CI runs.
 * (The image's contents themselves are built and exercised by {@code deploy/build-runtime check},
 * which CI runs.)
 */
@DisplayName("Dockerfile and deploy/compose.yaml")
class ContainerFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    @DisplayName("the Dockerfile builds with deploy/build-runtime, the commands CI runs, and runs non-root with a health check")
    void dockerfile() throws Exception {
        // an instruction may continue over several lines ending in a backslash
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ");
        assertThat(runLines(dockerfile)).anyMatch(l -> l.contains("deploy/build-runtime assemble /opt/sluice"))
                .anyMatch(l -> l.contains("build-runtime train /opt/sluice"));
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("deploy/build-runtime check ");
        assertThat(dockerfile).containsPattern("(?m)^USER [1-9][0-9]*:[1-9][0-9]*$")
                .containsPattern("(?m)^HEALTHCHECK .*/health/live")
                .contains("ENTRYPOINT [\"/opt/sluice/bin/sluice\"]");
        // everything the build reads passes .dockerignore
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore"));
        for (String needed : List.of("mvnw", "pom.xml", ".mvn/", "src/", "deploy/build-runtime")) {
            assertThat(ignore).contains("!" + needed);
        }
    }

    @Test
    @DisplayName("compose: three read-only gateways on PostgreSQL and Redis behind nginx, with a config that parses")
    void compose() throws Exception {
        // SnakeYAML (under Jackson's YAML module) resolves the merge keys (<<: *gateway) as compose does
        JsonNode compose = Json.MAPPER.valueToTree(new Yaml().load(Files.readString(ROOT.resolve("deploy/compose.yaml"))));
        JsonNode services = compose.path("services");
        List<String> gateways = new ArrayList<>();
        services.properties().forEach(e -> {
            if (e.getKey().startsWith("gateway-")) {
                gateways.add(e.getKey());
            }
        });
        assertThat(gateways).containsExactly("gateway-1", "gateway-2", "gateway-3");
        assertThat(services.has("nginx") && services.has("postgres") && services.has("redis") && services.has("nats")).isTrue();
        for (String name : gateways) {
            JsonNode g = services.path(name);
            assertThat(g.path("read_only").asBoolean()).as(name + " read-only root").isTrue();
            assertThat(g.path("tmpfs").toString()).contains("/tmp");
            assertThat(g.path("volumes").toString()).contains(name + ":/data").contains(":/etc/sluice/sluice.yaml:ro");
            assertThat(g.at("/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
        }

        // nginx sends to exactly those gateways, with the proxy settings the local cluster uses too
        String nginx = Files.readString(ROOT.resolve("deploy/compose/nginx.conf"));
        Matcher servers = Pattern.compile("server (gateway-\\d):8080").matcher(nginx);
        List<String> upstreams = new ArrayList<>();
        while (servers.find()) {
            upstreams.add(servers.group(1));
        }
        assertThat(upstreams).containsExactlyElementsOf(gateways);
        assertThat(services.path("nginx").path("volumes").toString()).contains("./nginx/sluice-proxy.conf:/etc/nginx/sluice-proxy.conf");
        assertThat(Files.readString(ROOT.resolve("deploy/nginx/sluice-proxy.conf")))
                .contains("proxy_next_upstream error timeout non_idempotent;");

        // the gateways' config, with the environment compose gives them
        JsonNode env = services.at("/gateway-1/environment");
        String storeUrl = env.path("SLUICE_STORE_URL").asText().replaceAll("\\$\\{POSTGRES_PASSWORD[^}]*}", "secret");
        SluiceConfig config = Registries.configLoader(Map.of("SLUICE_ADMIN_KEY", "compose-test-admin-key-0123",
                "SLUICE_STORE_URL", storeUrl, "SLUICE_REDIS_URL", env.path("SLUICE_REDIS_URL").asText(),
                "SLUICE_METRICS_TOKEN", "compose-test-metrics-token"))
                .parse(Files.readString(ROOT.resolve("deploy/compose/sluice.yaml")), "deploy/compose/sluice.yaml");
        assertThat(config.store().url()).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(config.redis().url()).isEqualTo("redis://redis:6379/0");
        assertThat(config.store().spillDir()).startsWith("/data/");
        assertThat(config.store().buffer().url()).isEqualTo("nats://nats:4222");
        assertThat(services.has("nats")).as("the buffer's server is in the stack").isTrue();
    }

    private static List<String> runLines(String dockerfile) {
        return List.of(dockerfile.split("\n")).stream().filter(l -> l.startsWith("RUN ")).toList();
    }
}
