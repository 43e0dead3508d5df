package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice serve} as a process: {@code kill -HUP} reloads its config; an invalid config at start exits 2. */
@DisplayName("sluice serve: SIGHUP reloads the config; an invalid config at start lists every problem and exits 2")
class ReloadProcessTest {
    private static final Pattern SERVING = Pattern.compile("at (http://[^ ]+/v1)");
    private static final Map<String, String> OWNER = Http.bearer(TestGateway.ADMIN_KEY);

    @TempDir
    Path dir;

    @Test
    @DisplayName("kill -HUP: a new model is served; a broken file is rejected on stderr and the running config stays")
    void sighupReloads() throws Exception {
        try (Simulator sim = Simulator.start(SimOptions.defaults())) {
            Path config = dir.resolve("sluice.yaml");
            String yaml = TestGateway.standardConfig(sim.baseUrl(), dir, "");
            Files.writeString(config, yaml);
            Process p = ProcessTest.launch(dir, "serve", "--config", config.toString(), "--port", "0");
            List<String> output = new CopyOnWriteArrayList<>();
            try {
                Http http = new Http(awaitServing(p, output));

                Files.writeString(config, yaml.replace("models:\n", "models:\n  reloaded-model:\n    provider: sim\n"));
                hangUp(p);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(http.get("/admin/config", OWNER).json().path("generation").asLong()).as("output: %s", output)
                                .isEqualTo(2));
                JsonNode last = http.get("/admin/config", OWNER).json().path("last_reload");
                assertThat(last.path("trigger").asText()).isEqualTo("sighup");
                assertThat(last.path("changed").toString()).contains("models.reloaded-model");
                String key = http.post("/admin/keys", "{\"name\":\"hup\"}", OWNER).json().path("key").asText();
                assertThat(http.get("/v1/models", Http.bearer(key)).body()).contains("reloaded-model");
                // --port 0 is applied to every reload: the port does not show as a change needing a restart
                assertThat(last.path("requires_restart")).isEmpty();
                await().atMost(Duration.ofSeconds(10)).until(() -> output.stream()
                        .anyMatch(l -> l.contains("config reloaded (generation 2)")));

                Files.writeString(config, yaml + "limits:\n  key:\n    rpm: many\n");
                hangUp(p);
                await().atMost(Duration.ofSeconds(30)).until(() -> output.stream()
                        .anyMatch(l -> l.startsWith("error: config reload rejected") && l.contains("rpm")));
                assertThat(http.get("/admin/config", OWNER).json().path("generation").asLong()).isEqualTo(2);
                assertThat(http.get("/admin/audit?action=config.reload_rejected&actor=sighup", OWNER).json().path("data"))
                        .hasSize(1);
                assertThat(http.get("/health/ready", Map.of()).status()).isEqualTo(200);

                p.destroy();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("output: " + output).isZero();
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    @DisplayName("under nohup (SIGHUP inherited as ignored, which the JVM silently keeps) kill -HUP still reloads")
    void sighupUnderNohup() throws Exception {
        try (Simulator sim = Simulator.start(SimOptions.defaults())) {
            Path config = dir.resolve("sluice.yaml");
            String yaml = TestGateway.standardConfig(sim.baseUrl(), dir, "");
            Files.writeString(config, yaml);
            Process p = ProcessTest.launchUnderNohup(dir, "serve", "--config", config.toString(), "--port", "0");
            List<String> output = new CopyOnWriteArrayList<>();
            try {
                String base = awaitServing(p, output);
                Http http = new Http(base);
                Files.writeString(config, yaml.replace("models:\n", "models:\n  reloaded-model:\n    provider: sim\n"));
                hangUp(p);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(http.get("/admin/config", OWNER).json().path("generation").asLong()).as("output: %s", output)
                                .isEqualTo(2));
                assertThat(output).noneMatch(l -> l.contains("SIGHUP is not available") || l.contains("warning: SIGHUP"));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** Reads the process's output until it says where it serves; the rest is collected in the background. */
    private static String awaitServing(Process p, List<String> output) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            output.add(line);
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> out.lines().forEach(output::add));
                return m.group(1).replace("/v1", "");
            }
        }
        throw new AssertionError("serve ended without printing its URL; output: " + output);
    }

    @Test
    @DisplayName("an invalid config at start: every broken section is printed and serve exits 2 without listening")
    void invalidAtStart() throws Exception {
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, TestGateway.standardConfig("http://127.0.0.1:9", dir, """
                retention:
                  audit: forever
                limits:
                  key:
                    rpm: many
                """));
        Process p = ProcessTest.launch(dir, "serve", "--config", config.toString(), "--port", "0");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).contains("2 problems in the config").contains("forever").contains("many")
                .doesNotContain("Sluice is serving");
    }

    private static void hangUp(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
