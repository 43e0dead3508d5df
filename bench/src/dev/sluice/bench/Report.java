package dev.sluice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Writes the results as a Markdown table and JSON, with the machine, the date and the commit. */
final class Report {
    private Report() {}

    static void write(Path root, List<GatewayBench.Row> rows, boolean quick) throws IOException {
        String machine = Runtime.getRuntime().availableProcessors() + " cores, "
                + totalMemoryGiB() + " GiB, " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", Java " + Runtime.version();
        String commit = commit(root);
        StringBuilder md = new StringBuilder();
        md.append("Gateway overhead").append(quick ? " (quick run)" : "").append(" — ").append(Instant.now())
                .append(", commit ").append(commit).append(", ").append(machine).append("\n\n");
        md.append("| scenario | target | requests | errors | success | req/s | p50 µs | p99 µs | TTFT p50 µs | TTFT p99 µs | added p50 µs | added p99 µs | added TTFT p50 µs | throughput vs direct |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder json = new StringBuilder("{\"date\":\"" + Instant.now() + "\",\"commit\":\"" + commit
                + "\",\"machine\":\"" + machine + "\",\"quick\":" + quick + ",\"rows\":[");
        GatewayBench.Row direct = null;
        for (int i = 0; i < rows.size(); i++) {
            GatewayBench.Row r = rows.get(i);
            boolean isDirect = r.target().equals("direct");
            if (isDirect) {
                direct = r;
            }
            String addedP50 = isDirect ? "" : GatewayBench.fmt(r.p50() - direct.p50());
            String addedP99 = isDirect ? "" : GatewayBench.fmt(r.p99() - direct.p99());
            String addedTtft = isDirect || Double.isNaN(r.ttftP50()) ? "" : GatewayBench.fmt(r.ttftP50() - direct.ttftP50());
            String ratio = isDirect ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.rps() / direct.rps());
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f%% | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.scenario(), r.target(), r.requests(), r.errors(),
                    100.0 * r.requests() / Math.max(1, r.requests() + r.errors()), r.rps(), GatewayBench.fmt(r.p50()),
                    GatewayBench.fmt(r.p99()), GatewayBench.fmt(r.ttftP50()), GatewayBench.fmt(r.ttftP99()),
                    addedP50, addedP99, addedTtft, ratio));
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"scenario\":\"%s\",\"target\":\"%s\",\"concurrency\":%d,\"requests\":%d,\"errors\":%d,"
                            + "\"rps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"ttft_p50_us\":%s,\"ttft_p99_us\":%s}",
                    r.scenario(), r.target(), r.concurrency(), r.requests(), r.errors(), r.rps(), r.p50(), r.p99(),
                    num(r.ttftP50()), num(r.ttftP99())));
        }
        json.append("]}\n");
        Path dir = root.resolve("bench/results");
        Files.createDirectories(dir);
        String name = quick ? "gateway-quick" : "gateway";
        Files.writeString(dir.resolve(name + ".md"), md.toString());
        Files.writeString(dir.resolve(name + ".json"), json.toString());
        System.out.println(md);
        System.out.println("Written to " + dir.resolve(name + ".md") + " and .json");
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.1f", v);
    }

    static long totalMemoryGiB() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return -1;
    }

    static String commit(Path root) {
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
