package dev.sluice.bench;

import dev.sluice.bench.GatewayBench.Flood;
import dev.sluice.bench.GatewayBench.Results;
import dev.sluice.bench.GatewayBench.Row;
import dev.sluice.bench.GatewayBench.Startup;
import dev.sluice.bench.GatewayBench.Throughput;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's results as Markdown and JSON, with the machine, the load average, the date and
 * the commit, ratios against direct and against each peer, and the targets (met or missed).
 * Returns the harness problems found (errors, empty or implausible figures).
 */
final class Report {
    private Report() {}

    static List<String> write(Path root, Results res, String loadBefore, String loadAfter) throws IOException {
        List<String> problems = new ArrayList<>();
        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + totalMemoryGiB() + " GiB, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + Runtime.version();
        String commit = commit(root);
        String date = Instant.now().toString();
        StringBuilder md = new StringBuilder();
        md.append("Gateway benchmark").append(res.quick() ? " (quick run)" : "").append(" — ").append(date)
                .append(", commit ").append(commit).append(", ").append(machine).append(". Load average (1/5/15 min) ")
                .append(loadBefore).append(" before, ").append(loadAfter).append(" after. Sluice JVM flags: `")
                .append(String.join(" ", Servers.sluiceJavaOpts())).append("`.\n\n");

        // (a) and (b)
        md.append("### Latency (closed loop, one keep-alive connection per client thread)\n\n");
        md.append("Added = the target's percentile minus direct's in the same scenario. Stream rows: p50/p99 are the total time; TTFT is the time to the first content event. p99.9 is the total time's (nearest rank: fewer than 1,000 requests make it the slowest).\n\n");
        md.append("| scenario | target | requests | errors | req/s | p50 µs | p99 µs | p99.9 µs | TTFT p50 µs | TTFT p99 µs | added p50 µs | added p99 µs | added p99.9 µs | added TTFT p50 µs | added TTFT p99 µs |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Map<String, Row>> byScenario = new LinkedHashMap<>();
        for (Row r : res.rows()) {
            byScenario.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>()).put(r.target(), r);
        }
        for (var e : byScenario.entrySet()) {
            Row d = e.getValue().get("direct");
            for (Row r : e.getValue().values()) {
                boolean direct = r == d;
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        r.scenario(), r.target(), r.requests(), r.errors(), r.rps(), f(r.p50()), f(r.p99()), f(r.p999()),
                        f(r.ttftP50()), f(r.ttftP99()), direct ? "" : f(r.p50() - d.p50()), direct ? "" : f(r.p99() - d.p99()),
                        direct ? "" : f(r.p999() - d.p999()),
                        direct ? "" : f(r.ttftP50() - d.ttftP50()), direct ? "" : f(r.ttftP99() - d.ttftP99())));
                if (r.errors() > 0) {
                    problems.add(r.scenario() + " / " + r.target() + ": " + r.errors() + " errors");
                }
                if (r.requests() == 0 || !(r.p50() > 0) || !(r.rps() > 0)) {
                    problems.add(r.scenario() + " / " + r.target() + ": no or implausible figures");
                }
            }
        }
        List<String> peers = res.targets().stream().filter(t -> t.equals("nginx") || t.equals("portkey")).toList();
        md.append("\n### Ratios: added latency against the peers' (× = this target's added time ÷ the peer's), throughput against direct\n\n");
        md.append("| scenario | target | added p50 µs | added p99 µs |");
        for (String p : peers) {
            md.append(" p50 × ").append(p).append(" | p99 × ").append(p).append(" |");
        }
        md.append(" req/s vs direct |\n|---|---|---:|---:|").append("---:|---:|".repeat(peers.size())).append("---:|\n");
        for (var e : byScenario.entrySet()) {
            Row d = e.getValue().get("direct");
            boolean stream = e.getKey().startsWith("stream");
            for (Row r : e.getValue().values()) {
                if (r == d) {
                    continue;
                }
                double a50 = added(r, d, stream, 50);
                double a99 = added(r, d, stream, 99);
                md.append(String.format(Locale.ROOT, "| %s%s | %s | %s | %s |", e.getKey(), stream ? " (TTFT)" : "",
                        r.target(), f(a50), f(a99)));
                for (String p : peers) {
                    Row pr = e.getValue().get(p);
                    md.append(' ').append(ratio(a50, added(pr, d, stream, 50))).append(" | ")
                            .append(ratio(a99, added(pr, d, stream, 99))).append(" |");
                }
                md.append(String.format(Locale.ROOT, " %.0f%% |%n", 100 * r.rps() / d.rps()));
            }
        }

        // throughput
        Map<String, Throughput> tp = new LinkedHashMap<>();
        res.throughput().forEach(t -> tp.put(t.target(), t));
        if (!tp.isEmpty()) {
            md.append("\n### Maximum throughput, non-streaming chat (").append(res.throughput().getFirst().tool())
                    .append(")\n\n| target | requests | errors | req/s | RSS after MiB | vs direct |");
            for (String p : peers) {
                md.append(" vs ").append(p).append(" |");
            }
            md.append("\n|---|---:|---:|---:|---:|---:|").append("---:|".repeat(peers.size())).append('\n');
            Throughput d = tp.get("direct");
            for (Throughput t : tp.values()) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %s | %s |", t.target(), t.requests(), t.errors(),
                        t.rps(), t.rssKiB() < 0 ? "—" : f(t.rssKiB() / 1024.0), pct(t.rps(), d.rps())));
                for (String p : peers) {
                    md.append(' ').append(pct(t.rps(), tp.get(p).rps())).append(" |");
                }
                md.append('\n');
                if (t.errors() > 0) {
                    problems.add("throughput / " + t.target() + ": " + t.errors() + " errors");
                }
                if (!(t.rps() > 0)) {
                    problems.add("throughput / " + t.target() + ": no figure");
                }
            }
        }

        // (c)
        Flood fd = null;
        Flood fs = null;
        if (!res.floods().isEmpty()) {
            md.append("\n### Concurrent open SSE streams (one NIO client thread; each stream 1 request, held open until [DONE])\n\n");
            md.append("Streams are opened at the ramp rate; once all are open, probe streams are opened one at a time (50/s) "
                    + "and their TTFT is what a new stream waits while the gateway holds the others. "
                    + "While the gateway holds its streams, every other probe goes straight to the simulator (which holds the "
                    + "same streams then): those *baseline* probes see the simulator's own tail in the same seconds, and the "
                    + "added TTFT is the gateway's probes against them (the direct row's probes ran in an earlier window). "
                    + "Ramp TTFT includes any backlog the ramp itself builds up.\n\n");
            md.append("| target | streams | ramp /s | completed | errors | peak open | ramp TTFT p50 µs | ramp TTFT p99 µs | probe TTFT p50 µs | probe TTFT p99 µs | baseline probe TTFT p50 / p99 µs | added probe TTFT p50 / p99 µs | RSS before MiB | RSS peak MiB | KiB per stream | seconds |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Flood f : res.floods()) {
                if (f.target().equals("direct")) {
                    fd = f;
                } else {
                    fs = f;
                }
            }
            for (Flood f : res.floods()) {
                StreamFlood.Result r = f.result();
                boolean direct = f == fd;
                Stats base = baselineProbes(r, fd);
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %d | %d | %s | %.1f |%n",
                        f.target(), r.requested(), f.perSecond(), r.completed(), r.errors(), r.peakOpen(),
                        f(r.ttft().percentileMicros(50)), f(r.ttft().percentileMicros(99)),
                        f(r.probeTtft().percentileMicros(50)), f(r.probeTtft().percentileMicros(99)),
                        r.baselineProbeTtft().count() == 0 ? "" : f(r.baselineProbeTtft().percentileMicros(50)) + " / "
                                + f(r.baselineProbeTtft().percentileMicros(99)),
                        direct || base == null ? "" : f(r.probeTtft().percentileMicros(50) - base.percentileMicros(50)) + " / "
                                + f(r.probeTtft().percentileMicros(99) - base.percentileMicros(99)),
                        r.rssBeforeKiB() / 1024, r.rssPeakKiB() / 1024,
                        f((r.rssPeakKiB() - r.rssBeforeKiB()) / (double) Math.max(1, r.peakOpen())), r.seconds()));
                if (r.errors() > 0) {
                    problems.add("streams at scale / " + f.target() + ": " + r.errors() + " errors, first: " + r.firstError());
                }
                if (r.completed() == 0) {
                    problems.add("streams at scale / " + f.target() + ": no stream completed");
                }
            }
            if (fs != null && !fs.limitNote().isEmpty()) {
                md.append("\n").append(fs.limitNote()).append(".\n");
            }
        }

        // (d)
        Map<String, Startup> st = new LinkedHashMap<>();
        if (!res.startups().isEmpty()) {
            md.append("\n### Cold start (process spawn to the first 200 on a chat completion) and idle resident memory\n\n");
            md.append("| target | how | starts ms | median ms | idle RSS after start MiB | RSS 2 s after warm-up MiB"
                    + " | idle RSS " + Startups.QUIET_MILLIS / 1000 + " s after warm-up MiB |\n");
            md.append("|---|---|---|---:|---:|---:|---:|\n");
            for (Startup s : res.startups()) {
                st.put(s.target(), s);
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.0f | %.0f | %s |%n", s.target(), s.how(),
                        String.join(", ", s.coldMillis().stream().map(Report::f).toList()), s.medianMillis(),
                        s.idleRssKiB() / 1024.0, s.warmRssKiB() / 1024.0,
                        s.quietRssKiB() > 0 ? f(s.quietRssKiB() / 1024.0) : "-"));
                if (s.coldMillis().isEmpty() || s.idleRssKiB() <= 0) {
                    problems.add("start-up / " + s.target() + ": no figures");
                }
            }
        }

        // the targets
        List<String[]> targets = targets(byScenario, tp, fd, fs, st, res.targets().contains("sluice") ? "sluice" : "sluice-off");
        md.append("\n### Against the targets of issue 15 (and issue 9's Portkey ratios)\n\n| # | target | measured | |\n|---|---|---|---|\n");
        for (int i = 0; i < targets.size(); i++) {
            String[] t = targets.get(i);
            md.append("| ").append(i + 1).append(" | ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2])
                    .append(" |\n");
        }
        if (!res.notes().isEmpty() || !problems.isEmpty()) {
            md.append('\n');
            res.notes().forEach(n -> md.append("- ").append(n).append('\n'));
            problems.forEach(p -> md.append(res.quick() ? "- **Harness problem:** " : "- **Errors / missing figures:** ")
                    .append(p).append('\n'));
        }

        String json = json(res, date, commit, machine, loadBefore, loadAfter, targets, problems);
        Path dir = root.resolve("bench/results");
        Files.createDirectories(dir);
        String name = res.quick() ? "gateway-quick" : "gateway";
        Files.writeString(dir.resolve(name + ".md"), md.toString());
        Files.writeString(dir.resolve(name + ".json"), json);
        System.out.println(md);
        System.out.println("Written to " + dir.resolve(name + ".md") + " and .json");
        return problems;
    }

    private static double added(Row r, Row d, boolean ttft, int pct) {
        if (r == null || d == null) {
            return Double.NaN;
        }
        if (ttft) {
            return pct == 50 ? r.ttftP50() - d.ttftP50() : r.ttftP99() - d.ttftP99();
        }
        return pct == 50 ? r.p50() - d.p50() : r.p99() - d.p99();
    }

    /** The probes to compare a flood's with: its own interleaved baseline probes, else the direct flood's. */
    private static Stats baselineProbes(StreamFlood.Result r, Flood direct) {
        if (r.baselineProbeTtft().count() > 0) {
            return r.baselineProbeTtft();
        }
        return direct == null || direct.result() == r ? null : direct.result().probeTtft();
    }

    /** Issue 15's targets (and issue 9's Portkey ratios): {what, measured, met/missed/not measured}. */
    private static List<String[]> targets(Map<String, Map<String, Row>> rows, Map<String, Throughput> tp, Flood fd,
                                          Flood fs, Map<String, Startup> st, String sluice) {
        List<String[]> out = new ArrayList<>();
        Map<String, Row> c1 = rows.getOrDefault("chat, concurrency 1", Map.of());
        Row d = c1.get("direct");
        Row s = c1.get(sluice);
        Row n = c1.get("nginx");
        Row p = c1.get("portkey");
        // issue 15's targets (the hot path); Portkey's ratios are issue 9's, kept for comparison
        double s50 = added(s, d, false, 50);
        double s99 = added(s, d, false, 99);
        double n50 = added(n, d, false, 50);
        out.add(check("added p50 ≤ 2× nginx's and ≤ 60 µs (concurrency 1)", s50, s50 <= 2 * n50 && s50 <= 60,
                "%s µs (" + f(s50 / n50) + "× nginx's " + f(n50) + " µs)"));
        double s999 = s == null || d == null ? Double.NaN : s.p999() - d.p999();
        out.add(check("added p99 ≤ 500 µs (concurrency 1)", s99, s99 <= 500, "%s µs (p99.9 " + f(s999) + " µs)"));
        double p50 = added(p, d, false, 50);
        double p99 = added(p, d, false, 99);
        out.add(check("added p50 ≤ 0.1× Portkey's (concurrency 1)", s50 / p50, s50 <= 0.1 * p50, "%s× (" + f(s50) + " vs " + f(p50) + " µs)", 2));
        out.add(check("added p99 ≤ 0.1× Portkey's (concurrency 1)", s99 / p99, s99 <= 0.1 * p99, "%s× (" + f(s99) + " vs " + f(p99) + " µs)", 2));
        Throughput tn = tp.get("nginx");
        for (String target : List.of("sluice", "sluice-off")) {
            Throughput ts = tp.get(target);
            if (ts == null && !target.equals(sluice)) {
                continue;
            }
            int wanted = target.equals("sluice-off") ? 65 : 50;
            double share = ts == null || tn == null ? Double.NaN : 100 * ts.rps() / tn.rps();
            out.add(check(target + ": throughput ≥ " + wanted + "% of nginx's (wrk, 16 connections)", share, share >= wanted,
                    "%s%%" + (ts == null || tn == null ? "" : " (" + f(ts.rps()) + " vs " + f(tn.rps()) + " req/s)")));
        }
        if (fs != null) {
            StreamFlood.Result r = fs.result();
            double perStream = r.requested() == 0 ? Double.NaN : (r.rssPeakKiB() - r.rssBeforeKiB()) / (double) r.requested();
            String size = r.requested() >= 10_000 ? "" : " (" + r.requested() + " streams, not 10,000: the fd limit or --streams)";
            out.add(check("open streams: 0 errors" + size, r.errors(), r.errors() == 0 && r.completed() >= r.requested(),
                    "%s errors, " + r.completed() + " completed (" + r.requested() + " held open + the probes), peak " + r.peakOpen() + " open", 0));
            out.add(check("… ≤ 64 KiB RSS per open stream", perStream, perStream <= 64,
                    "%s KiB (" + f(r.rssBeforeKiB() / 1024.0) + " → " + f(r.rssPeakKiB() / 1024.0) + " MiB)"));
            Stats base = baselineProbes(r, fd);
            double addedTtft = base == null ? Double.NaN
                    : r.probeTtft().percentileMicros(99) - base.percentileMicros(99);
            out.add(check("… a new stream's added TTFT p99 ≤ 2 ms while they are open", addedTtft, addedTtft <= 2000,
                    "%s µs (the gateway's " + f(r.probeTtft().percentileMicros(99)) + " µs, direct's "
                            + (base == null ? "-" : f(base.percentileMicros(99))) + " µs"
                            + (r.baselineProbeTtft().count() > 0 ? ", interleaved in the same seconds)" : ", an earlier window)")));
        } else {
            out.add(new String[] {"open streams ≤ 64 KiB each, 0 errors, new-stream TTFT p99 ≤ 2 ms", "-", "not measured"});
        }
        Startup launcher = st.get("sluice + AOT cache, restart (launcher default)");
        Startup cold = launcher != null ? launcher : st.get("sluice");
        String which = launcher != null ? " (launcher default: AOT cache, restart)" : " (no AOT cache, first start)";
        double ms = cold == null ? Double.NaN : cold.medianMillis();
        out.add(check("start-up ≤ 500 ms to the first 200" + which, ms, ms <= 500, "%s ms" + others(st, false)));
        double idle = cold == null ? Double.NaN : cold.idleRssKiB() / 1024.0;
        out.add(check("idle RSS ≤ 120 MiB after start" + which, idle, idle <= 120, "%s MiB" + others(st, true)));
        // idle after a warm-up = once the gateway has gone quiet (its idle trim ran); the 2 s reading is shown beside it.
        // The quick run reads only the 2 s one, and says so.
        boolean quiet = cold != null && cold.quietRssKiB() > 0;
        double warm = cold == null ? Double.NaN : (quiet ? cold.quietRssKiB() : cold.warmRssKiB()) / 1024.0;
        String when = quiet ? "%s MiB " + Startups.QUIET_MILLIS / 1000 + " s after it (" + f(cold.warmRssKiB() / 1024.0)
                + " MiB 2 s after it, before the idle trim)" : "%s MiB 2 s after it (before the idle trim)";
        out.add(check("idle RSS ≤ 120 MiB after a warm-up" + which, warm, warm <= 120, when + othersQuiet(st)));
        return out;
    }

    private static String others(Map<String, Startup> st, boolean rss) {
        StringBuilder sb = new StringBuilder();
        for (Startup s : st.values()) {
            if (s.target().startsWith("sluice +")) {
                sb.append("; ").append(s.target().substring("sluice + ".length())).append(": ")
                        .append(rss ? f(s.idleRssKiB() / 1024.0) + " MiB (" + f(s.warmRssKiB() / 1024.0) + " 2 s after warm-up)"
                                : f(s.medianMillis()) + " ms");
            }
        }
        return sb.toString();
    }

    /** The same idle reading of the other targets (nginx, Portkey), for comparison. */
    private static String othersQuiet(Map<String, Startup> st) {
        StringBuilder sb = new StringBuilder();
        for (Startup s : st.values()) {
            if (!s.target().startsWith("sluice") && s.quietRssKiB() > 0) {
                sb.append("; ").append(s.target()).append(": ").append(f(s.quietRssKiB() / 1024.0)).append(" MiB (")
                        .append(f(s.warmRssKiB() / 1024.0)).append(" at 2 s)");
            }
        }
        return sb.toString();
    }

    private static String[] check(String what, double value, boolean met, String format) {
        return check(what, value, met, format, 0);
    }

    private static String[] check(String what, double value, boolean met, String format, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return new String[] {what, "-", "not measured"};
        }
        String v = String.format(Locale.ROOT, "%." + decimals + "f", value);
        return new String[] {what, String.format(Locale.ROOT, format, v), met ? "met" : "**missed**"};
    }

    private static String json(Results res, String date, String commit, String machine, String loadBefore,
                               String loadAfter, List<String[]> targets, List<String> problems) {
        StringBuilder j = new StringBuilder("{\n");
        j.append("\"date\":").append(q(date)).append(",\"commit\":").append(q(commit)).append(",\"machine\":")
                .append(q(machine)).append(",\"cores\":").append(Runtime.getRuntime().availableProcessors())
                .append(",\"memory_gib\":").append(totalMemoryGiB()).append(",\"load_average_before\":").append(q(loadBefore))
                .append(",\"load_average_after\":").append(q(loadAfter)).append(",\"quick\":").append(res.quick())
                .append(",\"sluice_java_opts\":").append(q(String.join(" ", Servers.sluiceJavaOpts())))
                .append(",\n\"latency\":[");
        for (int i = 0; i < res.rows().size(); i++) {
            Row r = res.rows().get(i);
            j.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "{\"scenario\":%s,\"target\":%s,\"concurrency\":%d,\"requests\":%d,\"errors\":%d,\"rps\":%s,"
                            + "\"p50_us\":%s,\"p99_us\":%s,\"p999_us\":%s,\"ttft_p50_us\":%s,\"ttft_p99_us\":%s}",
                    q(r.scenario()), q(r.target()), r.concurrency(), r.requests(), r.errors(), num(r.rps()), num(r.p50()),
                    num(r.p99()), num(r.p999()), num(r.ttftP50()), num(r.ttftP99())));
        }
        j.append("],\n\"throughput\":[");
        for (int i = 0; i < res.throughput().size(); i++) {
            Throughput t = res.throughput().get(i);
            j.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "{\"target\":%s,\"rps\":%s,\"requests\":%d,\"errors\":%d,\"tool\":%s,\"rss_kib\":%d}", q(t.target()),
                    num(t.rps()), t.requests(), t.errors(), q(t.tool()), t.rssKiB()));
        }
        j.append("],\n\"streams_at_scale\":[");
        for (int i = 0; i < res.floods().size(); i++) {
            Flood f = res.floods().get(i);
            StreamFlood.Result r = f.result();
            j.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "{\"target\":%s,\"wanted\":%d,\"streams\":%d,\"completed\":%d,\"errors\":%d,\"peak_open\":%d,"
                            + "\"ttft_p50_us\":%s,\"ttft_p99_us\":%s,\"probe_ttft_p50_us\":%s,\"probe_ttft_p99_us\":%s,"
                            + "\"baseline_probe_ttft_p50_us\":%s,\"baseline_probe_ttft_p99_us\":%s,"
                            + "\"ramp_per_second\":%d,\"rss_before_kib\":%d,\"rss_peak_kib\":%d,\"seconds\":%s,"
                            + "\"limit_note\":%s,\"first_error\":%s}",
                    q(f.target()), f.wanted(), r.requested(), r.completed(), r.errors(), r.peakOpen(),
                    num(r.ttft().percentileMicros(50)), num(r.ttft().percentileMicros(99)),
                    num(r.probeTtft().percentileMicros(50)), num(r.probeTtft().percentileMicros(99)),
                    num(r.baselineProbeTtft().percentileMicros(50)), num(r.baselineProbeTtft().percentileMicros(99)),
                    f.perSecond(),
                    r.rssBeforeKiB(), r.rssPeakKiB(),
                    num(r.seconds()), q(f.limitNote()), r.firstError() == null ? "null" : q(r.firstError())));
        }
        j.append("],\n\"startup\":[");
        for (int i = 0; i < res.startups().size(); i++) {
            Startup s = res.startups().get(i);
            j.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "{\"target\":%s,\"how\":%s,\"cold_ms\":%s,\"median_ms\":%s,\"idle_rss_kib\":%d,\"warm_idle_rss_kib\":%d,"
                            + "\"quiet_idle_rss_kib\":%d}",
                    q(s.target()), q(s.how()), s.coldMillis().stream().map(Report::num).toList(), num(s.medianMillis()),
                    s.idleRssKiB(), s.warmRssKiB(), s.quietRssKiB()));
        }
        j.append("],\n\"targets\":[");
        for (int i = 0; i < targets.size(); i++) {
            String[] t = targets.get(i);
            j.append(i == 0 ? "\n" : ",\n").append("{\"target\":").append(q(t[0])).append(",\"measured\":").append(q(t[1]))
                    .append(",\"status\":").append(q(t[2].replace("*", ""))).append('}');
        }
        j.append("],\n\"notes\":").append(res.notes().stream().map(Report::q).toList())
                .append(",\n\"problems\":").append(problems.stream().map(Report::q).toList()).append("\n}\n");
        return j.toString();
    }

    /** A JSON string literal (the harness writes its JSON by hand: it has no dependencies of its own). */
    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String pct(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * a / b);
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.1f", v);
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
