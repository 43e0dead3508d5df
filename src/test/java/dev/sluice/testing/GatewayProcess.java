package dev.sluice.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in a JVM of its own ({@code sluice serve} on the test classpath), for what an
 * in-process gateway cannot show: a {@code kill -9}. Its output goes to {@code gateway.log} in
 * its directory. {@link #close()} kills it too.
 */
public final class GatewayProcess implements AutoCloseable {
    private static final String SERVING = "Sluice is serving ";

    private final Process process;
    private final String baseUrl;

    private GatewayProcess(Process process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /** Starts {@code sluice serve --config} with this YAML (written to {@code dir}); returns once it serves. */
    public static GatewayProcess start(String yaml, Path dir) {
        try {
            Path config = dir.resolve("sluice.yaml");
            Files.writeString(config, yaml);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), "dev.sluice.cli.Main", "serve", "--config", config.toString()))
                    .redirectErrorStream(true).start();
            CompletableFuture<String> url = new CompletableFuture<>();
            Path log = dir.resolve("gateway.log");
            Thread.ofVirtual().name("gateway-process-output").start(() -> copyOutput(p, log, url));
            try {
                return new GatewayProcess(p, url.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                p.destroyForcibly();
                throw new AssertionError("the gateway process did not start within 60 s; see " + log, e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the process's output to the log, completing {@code url} when the gateway says where it serves. */
    private static void copyOutput(Process p, Path log, CompletableFuture<String> url) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                int at = line.indexOf(SERVING);
                if (at >= 0) {
                    // "Sluice is serving 2 model(s) at http://127.0.0.1:41234/v1  (config: ...)"
                    String rest = line.substring(line.indexOf(" at ", at) + 4).split("\\s+")[0];
                    url.complete(rest.endsWith("/v1") ? rest.substring(0, rest.length() - 3) : rest);
                }
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
        url.completeExceptionally(new IllegalStateException("the gateway process exited before serving"));
    }

    /** The process id, for signals ({@code kill -HUP}). */
    public long pid() {
        return process.pid();
    }

    public Http http() {
        return new Http(baseUrl);
    }

    /** {@code kill -9}: the process ends at once, without draining, flushing or settling anything. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
