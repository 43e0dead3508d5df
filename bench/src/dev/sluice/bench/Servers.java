package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts the servers compared in one run (the simulator, Sluice, nginx, Portkey) and reads what
 * the OS says about them: resident memory (a process plus its children, for nginx's workers) and
 * the open-files limit.
 */
final class Servers {
    private final Path jar;
    private final Path work;
    private final Path root;
    private final List<Process> started = new ArrayList<>();

    Servers(Path root, Path jar, Path work) {
        this.root = root;
        this.jar = jar;
        this.work = work;
    }

    Path work() {
        return work;
    }

    Path root() {
        return root;
    }

    Path jar() {
        return jar;
    }

    /** JVM flags for the Sluice under test: {@code $SLUICE_JAVA_OPTS}, else the launcher's default. */
    static List<String> sluiceJavaOpts() {
        String env = System.getenv("SLUICE_JAVA_OPTS");
        if (env == null || env.isBlank()) {
            return Startups.LAUNCHER_FLAGS;
        }
        return List.of(env.strip().split("\\s+"));
    }

    Process java(String name, List<String> jvmArgs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        return start(name, cmd);
    }

    Process start(String name, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile())).start();
        started.add(p);
        return p;
    }

    /**
     * A Sluice config file. The default pipeline has auth (virtual keys), per-key limits, the
     * request log and tracing on; "off" has everything that can be switched off switched off (the
     * request log always runs).
     */
    Path sluiceConfig(String name, int port, int simPort, boolean auth, boolean limits, boolean tracing,
                      String adminKey) throws IOException {
        Path db = work.resolve(name + ".db");
        StringBuilder yaml = new StringBuilder()
                // every benchmark connection comes from 127.0.0.1: no per-address cap (the default 1000 would refuse streams)
                .append("server: {host: 127.0.0.1, port: ").append(port).append(", max_connections_per_ip: 0}\n")
                .append(auth ? "auth: {enabled: true, admin_key: " + adminKey + "}\n" : "auth: {enabled: false}\n")
                .append("store: {path: ").append(db).append("}\n")
                .append("tracing: {enabled: ").append(tracing).append("}\n");
        if (limits) {
            yaml.append("limits:\n  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}\n");
        }
        yaml.append("providers:\n  sim: {type: openai, base_url: \"http://127.0.0.1:").append(simPort)
                .append("/v1\", forward_headers: [\"x-sim-*\"]}\n")
                .append("models:\n  gpt-4o-mini: {provider: sim}\n");
        Path config = work.resolve(name + ".yaml");
        Files.writeString(config, yaml);
        return config;
    }

    /** nginx as a plain reverse proxy with a keep-alive upstream pool and no buffering (for SSE). */
    Process nginx(String name, int port, int simPort) throws IOException {
        Path prefix = work.resolve(name);
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes auto;
                worker_rlimit_nofile 65536;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 30000; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp/body;
                  proxy_temp_path %1$s/tmp/proxy;
                  fastcgi_temp_path %1$s/tmp/fastcgi;
                  uwsgi_temp_path %1$s/tmp/uwsgi;
                  scgi_temp_path %1$s/tmp/scgi;
                  upstream sim { server 127.0.0.1:%3$d; keepalive 64; }
                  server {
                    listen 127.0.0.1:%2$d;
                    keepalive_requests 1000000;
                    location / {
                      proxy_pass http://sim;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                      proxy_read_timeout 300s;
                    }
                  }
                }
                """.formatted(prefix, port, simPort));
        return start(name, List.of(nginxBinary(), "-p", prefix.toString(), "-c", conf.toString(), "-g", "daemon off;"));
    }

    static String nginxBinary() {
        for (String p : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return "nginx";
    }

    /** The Portkey gateway, installed by bench/run into bench/.cache/portkey. */
    Process portkey(String name, int port) throws IOException {
        return start(name, List.of("node", portkeyScript().toString(), "--port=" + port, "--headless"));
    }

    Path portkeyScript() {
        return root.resolve("bench/.cache/portkey/node_modules/@portkey-ai/gateway/build/start-server.js");
    }

    static boolean nginxAvailable() {
        return Files.isExecutable(Path.of(nginxBinary())) || onPath("nginx");
    }

    boolean portkeyAvailable() {
        return Files.isRegularFile(portkeyScript()) && onPath("node");
    }

    static boolean onPath(String exe) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, exe)));
    }

    /** Resident memory of a process and all its descendants, in KiB (0 if it is gone). */
    static long rssKiB(long pid) {
        long total = 0;
        for (long p : withDescendants(pid)) {
            total += status(Path.of("/proc", Long.toString(p), "status"), "VmRSS:");
        }
        return total;
    }

    /**
     * Voluntary context switches of a process and its descendants, summed over every thread alive now
     * ({@code /proc/<pid>/task/<tid>/status}; a thread that ended is not counted). A thread that waits (for a
     * socket, a lock, a task) and is woken counts one, so over a warm window divided by its requests this counts
     * the waits, and so the thread hand-offs, a request costs the target — which the machine's load moves far
     * less than the microseconds each takes. Involuntary switches (preemption) are left out: they measure the load.
     */
    static long contextSwitches(long pid) {
        long total = 0;
        for (long p : withDescendants(pid)) {
            try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(p), "task"))) {
                for (Path task : tasks) {
                    total += status(task.resolve("status"), "voluntary_ctxt_switches:");
                }
            } catch (IOException e) {
                // the process ended, or this is not Linux: nothing to count
            }
        }
        return total;
    }

    private static List<Long> withDescendants(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(c -> pids.add(c.pid())));
        return pids;
    }

    /** A number field of a /proc status file, 0 when the process or thread is gone. */
    private static long status(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // process or thread ended
        }
        return 0;
    }

    /** The soft "Max open files" of a process, or -1. */
    static long openFilesLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                    return parts[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(parts, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Stops one process (SIGTERM, then SIGKILL after 10 s), children first for nginx-style masters. */
    static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stopAll() {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : started) {
            stop(p);
        }
    }
}
