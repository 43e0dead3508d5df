package dev.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maximum throughput with wrk (open connections, no think time), POSTing one chat request. */
final class Wrk {
    record Result(double rps, long requests, long errors, double seconds) {}

    private Wrk() {}

    static boolean available() {
        return Servers.onPath("wrk");
    }

    static Result run(Path work, GatewayBench.Target t, String body, String[] extraHeaders, int connections,
                      int seconds) throws IOException, InterruptedException {
        StringBuilder lua = new StringBuilder("wrk.method = \"POST\"\n")
                .append("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        String[] h = concat(t.headers(), extraHeaders);
        for (int i = 0; i < h.length; i += 2) {
            lua.append("wrk.headers[").append(luaString(h[i])).append("] = ").append(luaString(h[i + 1])).append('\n');
        }
        lua.append("wrk.body = ").append(luaString(body)).append('\n');
        // count non-2xx answers as errors in the summary wrk prints
        Path script = work.resolve("wrk-" + t.name().replaceAll("[^a-z0-9]+", "-") + ".lua");
        Files.writeString(script, lua);
        int threads = Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
        Process p = new ProcessBuilder(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "-s", script.toString(), "http://" + t.host() + ":" + t.port() + "/v1/chat/completions"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        long requests = find(out, "(\\d+) requests in ([0-9.]+)(m?s|m)", 1);
        double secs = parseSeconds(out);
        long errors = find(out, "Non-2xx or 3xx responses: (\\d+)", 1);
        Matcher se = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        if (se.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(se.group(i));
            }
        }
        if (requests <= 0 || secs <= 0) {
            throw new IOException("could not read wrk's output: " + out);
        }
        return new Result((requests - errors) / secs, requests, errors, secs);
    }

    private static double parseSeconds(String out) {
        Matcher m = Pattern.compile("\\d+ requests in ([0-9.]+)(ms|s|m)").matcher(out);
        if (!m.find()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> v / 1000;
            case "m" -> v * 60;
            default -> v;
        };
    }

    private static long find(String out, String regex, int group) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Long.parseLong(m.group(group)) : 0;
    }

    private static String luaString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
