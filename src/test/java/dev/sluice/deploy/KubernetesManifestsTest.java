package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.app.Registries;
import dev.sluice.config.SluiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every overlay of deploy/k8s offline with {@code kubectl kustomize} (no cluster needed) and
 * reads the result as a cluster would: probes, resources, security context, mounts, and the
 * config the pods get. Without kubectl the test fails under CI ({@code CI=true}) and is skipped,
 * loudly, elsewhere.
 */
@DisplayName("Kubernetes manifests (deploy/k8s), rendered with kubectl kustomize")
class KubernetesManifestsTest {
    private static final Path OVERLAYS = Path.of("deploy/k8s/overlays");
    private static final Pattern FILE_REF = Pattern.compile("\\$\\{file:(/[^}]+)}");
    /** What the Secret's files would hold, so the rendered config can be parsed as the pods will. */
    private static final Map<String, String> SECRET_FILES = Map.of(
            "admin-key", "k8s-test-admin-key-0123456789",
            "openai-api-key", "sk-test",
            "store-url", "jdbc:postgresql://postgres:5432/sluice?user=sluice&password=secret",
            "redis-url", "redis://:secret@redis:6379/0",
            "metrics-token", "k8s-test-metrics-token");

    static List<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /** One overlay rendered: its objects by kind (a kind may have several). */
    record Rendered(Map<String, List<JsonNode>> byKind) {
        JsonNode one(String kind) {
            List<JsonNode> all = byKind.getOrDefault(kind, List.of());
            assertThat(all).as("exactly one " + kind).hasSize(1);
            return all.getFirst();
        }

        List<JsonNode> all(String kind) {
            return byKind.getOrDefault(kind, List.of());
        }

        /** The pod template of the one Deployment. */
        JsonNode pod() {
            return one("Deployment").at("/spec/template/spec");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    @DisplayName("the Deployment has probes, resources, a locked-down security context, and a mount for everything it writes")
    void deployment(String overlay) throws Exception {
        Rendered r = render(overlay);
        JsonNode deployment = r.one("Deployment");
        JsonNode container = container(r.pod());
        JsonNode pod = r.pod();

        assertThat(container.path("ports").findValuesAsText("name")).contains("http");
        assertThat(container.path("ports").findValuesAsText("containerPort")).contains("8080");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/live");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container.path(probe).at("/httpGet/port").asText()).as(probe + " port").isEqualTo("http");
        }

        for (String field : List.of("/requests/cpu", "/requests/memory", "/limits/cpu", "/limits/memory")) {
            assertThat(container.path("resources").at(field).asText()).as("resources" + field).isNotBlank();
        }

        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");

        Map<String, JsonNode> mounts = mounts(pod, container);
        assertThat(mounts).containsKeys("/etc/sluice", "/run/secrets/sluice", "/data", "/tmp");
        assertThat(mounts.get("/etc/sluice").has("configMap")).isTrue();
        assertThat(mounts.get("/run/secrets/sluice").at("/secret/secretName").asText()).isEqualTo("sluice-secrets");
        // a read-only root filesystem: the store, spill files and cache index, and the native
        // libraries unpacked at start, all need a writable volume
        for (String writable : List.of("/data", "/tmp")) {
            assertThat(mounts.get(writable).has("emptyDir") || mounts.get(writable).has("persistentVolumeClaim"))
                    .as(writable + " is a writable volume").isTrue();
        }

        // the rolled config is the one rendered: its ConfigMap exists and holds sluice.yaml
        String configMapName = mounts.get("/etc/sluice").at("/configMap/name").asText();
        JsonNode configMap = r.all("ConfigMap").stream()
                .filter(c -> c.at("/metadata/name").asText().equals(configMapName)).findFirst().orElseThrow();
        assertThat(configMapName).as("a generated name, so a config change rolls the pods").startsWith("sluice-config-");
        String yaml = configMap.at("/data/sluice.yaml").asText();
        SluiceConfig config = parseAsMounted(yaml, mounts);
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.auth().adminKey()).isEqualTo(SECRET_FILES.get("admin-key"));
        assertThat(Path.of(config.store().spillDir())).startsWithRaw(Path.of("/data"));

        // drain (server.drain_timeout) and the preStop pause fit in the grace period
        long grace = pod.path("terminationGracePeriodSeconds").asLong();
        long preStop = Long.parseLong(texts(container.at("/lifecycle/preStop/exec/command")).getLast());
        assertThat(config.server().drainTimeout().toSeconds() + preStop).isLessThan(grace);

        JsonNode service = r.one("Service");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        assertThat(labels(deployment.at("/spec/template/metadata/labels")))
                .containsAllEntriesOf(labels(service.at("/spec/selector")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    @DisplayName("single-node runs one SQLite replica on a volume claim; scaled runs 3+ stateless replicas on PostgreSQL and Redis")
    void shape(String overlay) throws Exception {
        Rendered r = render(overlay);
        Map<String, JsonNode> mounts = mounts(r.pod(), container(r.pod()));
        JsonNode deployment = r.one("Deployment");
        JsonNode configMap = r.all("ConfigMap").getFirst();
        SluiceConfig config = parseAsMounted(configMap.at("/data/sluice.yaml").asText(), mounts);
        Map<String, String> podLabels = labels(deployment.at("/spec/template/metadata/labels"));
        switch (overlay) {
            case "single-node" -> {
                assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
                assertThat(deployment.at("/spec/strategy/type").asText()).as("a ReadWriteOnce volume is not shared during a rollout")
                        .isEqualTo("Recreate");
                String claim = mounts.get("/data").at("/persistentVolumeClaim/claimName").asText();
                assertThat(mounts.get("/data").has("emptyDir")).isFalse();
                assertThat(r.all("PersistentVolumeClaim")).extracting(c -> c.at("/metadata/name").asText()).containsExactly(claim);
                assertThat(config.store().url()).as("SQLite").isNull();
                assertThat(Path.of(config.store().path())).startsWithRaw(Path.of("/data"));
                assertThat(config.redis()).isNull();
                assertThat(r.all("HorizontalPodAutoscaler")).isEmpty();
                assertThat(r.all("PodDisruptionBudget")).isEmpty();
            }
            case "scaled" -> {
                assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(3);
                assertThat(config.store().url()).isEqualTo(SECRET_FILES.get("store-url"));
                assertThat(config.redis().url()).isEqualTo(SECRET_FILES.get("redis-url"));
                JsonNode hpa = r.one("HorizontalPodAutoscaler");
                assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
                assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());
                assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(3);
                assertThat(hpa.at("/spec/maxReplicas").asInt()).isGreaterThan(hpa.at("/spec/minReplicas").asInt());
                JsonNode pdb = r.one("PodDisruptionBudget");
                assertThat(podLabels).containsAllEntriesOf(labels(pdb.at("/spec/selector/matchLabels")));
                assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
            }
            default -> throw new AssertionError("an overlay this test does not know: " + overlay + "; say what it must look like");
        }
    }

    /**
     * The config as a pod reads it: every {@code ${file:...}} must name a file under a Secret mount;
     * that file is written (with what the Secret would hold) under a scratch root standing in for
     * the pod's filesystem, and the config loader reads it through {@code ${file:}} itself.
     */
    private static SluiceConfig parseAsMounted(String yaml, Map<String, JsonNode> mounts) throws IOException {
        Path podRoot = Files.createTempDirectory("sluice-pod");
        Matcher m = FILE_REF.matcher(yaml);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            Path file = Path.of(m.group(1));
            String mount = mounts.keySet().stream().filter(p -> file.startsWith(Path.of(p))).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " is read by the config but no volume is mounted there"));
            assertThat(mounts.get(mount).has("secret")).as(file + " comes from a Secret").isTrue();
            String value = SECRET_FILES.get(file.getFileName().toString());
            assertThat(value).as("a value for the Secret key " + file.getFileName()).isNotNull();
            Path onDisk = podRoot.resolve(file.toString().substring(1));
            Files.createDirectories(onDisk.getParent());
            Files.writeString(onDisk, value);
            m.appendReplacement(resolved, Matcher.quoteReplacement("${file:" + onDisk + "}"));
        }
        m.appendTail(resolved);
        return Registries.configLoader(Map.of()).parse(resolved.toString(), "sluice.yaml (ConfigMap)");
    }

    private static JsonNode container(JsonNode pod) {
        for (JsonNode c : pod.path("containers")) {
            if (c.path("name").asText().equals("sluice")) {
                return c;
            }
        }
        throw new AssertionError("no container named sluice");
    }

    /** Mount path → the volume mounted there. */
    private static Map<String, JsonNode> mounts(JsonNode pod, JsonNode container) {
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode m : container.path("volumeMounts")) {
            JsonNode volume = volumes.get(m.path("name").asText());
            assertThat(volume).as("volume " + m.path("name").asText()).isNotNull();
            out.put(m.path("mountPath").asText(), volume);
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Rendered render(String overlay) throws Exception {
        Path kubectl = kubectl();
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", OVERLAYS.resolve(overlay).toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(out)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                byKind.computeIfAbsent(doc.path("kind").asText(), k -> new ArrayList<>()).add(doc);
            }
        }
        return new Rendered(byKind);
    }

    private static Path kubectl() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, "kubectl");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = "kubectl is not installed: the Kubernetes manifests cannot be rendered (apt-get install kubectl, "
                + "or any kubectl >= 1.14, which includes kustomize)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: a missing tool is a failure)");
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        return null;
    }
}
