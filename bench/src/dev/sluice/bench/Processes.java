package dev.sluice.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts Sluice's own processes (simulator, gateway) for a benchmark, each in its own JVM. */
final class Processes {
    private final Path jar;
    private final Path logDir;
    private final List<Process> started = new ArrayList<>();

    Processes(Path jar, Path logDir) {
        this.jar = jar;
        this.logDir = logDir;
    }

    Process java(String name, List<String> jvmArgs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".log").toFile()).start();
        started.add(p);
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Polls a URL until it answers 2xx (or 404 for servers without that path), for up to 30 s. */
    static void awaitUp(String url) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(200);
                int code = c.getResponseCode();
                c.disconnect();
                if (code < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("nothing answered at " + url + " within 30 s");
    }

    void stopAll() {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
