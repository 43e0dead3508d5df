package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs {@code sluice serve} as a real process, to test what only a process has: signals and exit codes. */
@DisplayName("sluice serve as a process")
class ProcessTest {
    private static final Pattern SERVING = Pattern.compile("at (http://[^ ]+/v1)");

    static Process launch(Path dir, String... args) throws IOException {
        return launch(dir, List.of(), args);
    }

    /** As {@link #launch(Path, String...)}, under {@code nohup}: the process inherits SIGHUP as ignored. */
    static Process launchUnderNohup(Path dir, String... args) throws IOException {
        return launch(dir, List.of("nohup"), args);
    }

    private static Process launch(Path dir, List<String> prefix, String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "-XX:+UseSerialGC", "dev.sluice.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    @Test
    @DisplayName("SIGTERM drains an in-flight stream to its end, flushes the log and exits 0")
    void gracefulShutdown() throws Exception {
        try (Simulator sim = Simulator.start(SimOptions.defaults())) {
            Path dir = Files.createTempDirectory("sluice-proc");
            Path config = dir.resolve("sluice.yaml");
            Files.writeString(config, TestGateway.standardConfig(sim.baseUrl(), dir, ""));
            Process p = launch(dir, "serve", "--config", config.toString());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                List<String> output = new CopyOnWriteArrayList<>();
                String base = null;
                String line;
                while ((line = out.readLine()) != null) {
                    output.add(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        base = m.group(1).replace("/v1", "");
                        break;
                    }
                }
                assertThat(base).as("serve printed its URL; output: " + output).isNotNull();
                // own threads: the common pool may have a single worker on a 2-core machine
                Thread.ofVirtual().start(() -> out.lines().forEach(output::add));
                Http http = new Http(base);
                String key = http.post("/admin/keys", "{\"name\":\"proc\"}",
                        Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY)).json().path("key").asText();

                var body = Json.object().put("model", "gpt-4o-mini").put("stream", true);
                body.putArray("messages").addObject().put("role", "user").put("content", "a slow story");
                CompletableFuture<Boolean> firstChunk = new CompletableFuture<>();
                CompletableFuture<Http.Response> stream = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> stream.complete(http.postStreaming(
                        "/v1/chat/completions", body, Map.of("authorization", "Bearer " + key, "x-request-id", "drained",
                                "x-sim-itl-ms", "100", "x-sim-tokens", "15"),
                        (l, t) -> firstChunk.complete(true))));
                firstChunk.get(10, TimeUnit.SECONDS);
                p.destroy(); // SIGTERM

                Http.Response r = stream.get(20, TimeUnit.SECONDS);
                assertThat(r.events()).last().isEqualTo("[DONE]");
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("exit code; output: " + output).isZero();
                try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sluice.db"));
                     var rs = c.createStatement().executeQuery(
                             "SELECT status, stream, tokens_out FROM request_log WHERE request_id = 'drained'")) {
                    assertThat(rs.next()).as("the drained stream was logged").isTrue();
                    assertThat(rs.getInt("status")).isEqualTo(200);
                    assertThat(rs.getInt("tokens_out")).isPositive();
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    @DisplayName("a bad config stops start-up with exit code 2 and a message naming the file and line")
    void badConfig() throws Exception {
        Path dir = Files.createTempDirectory("sluice-proc");
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "providers:\n  x:\n    type: openia\nmodels:\n  m: {provider: x}\n");
        Process p = launch(dir, "serve", "--config", config.toString());
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).contains("broken.yaml:3").contains("unknown provider type 'openia'").contains("Fix:");
    }

    @Test
    @DisplayName("a port already taken: serve and demo say so in one line, naming --port, and exit 2")
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            Path dir = Files.createTempDirectory("sluice-proc");
            Path config = dir.resolve("sluice.yaml");
            Files.writeString(config, TestGateway.standardConfig("http://127.0.0.1:9", dir, ""));
            List<List<String>> runs = List.of(List.of("serve", "--config", config.toString(), "--port", port),
                    List.of("demo", "--port", port, "--no-wait", "--db", dir.resolve("demo.db").toString()));
            for (List<String> args : runs) {
                Process p = launch(dir, args.toArray(String[]::new));
                try {
                    List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                            .filter(l -> !l.isBlank()).toList();
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).as(args.getFirst() + " exit code; output: " + lines).isEqualTo(2);
                    assertThat(lines).as(args.getFirst()).singleElement().asString()
                            .contains("port " + port + " is already in use").contains("--port N");
                } finally {
                    p.destroyForcibly();
                }
            }
        }
    }
}
