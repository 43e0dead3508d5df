package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which stream probes overlapped a stop-the-world pause (a safepoint: every garbage collection of Serial is
 * one) of the gateway or of the simulator. Both JVMs log their safepoints with
 * {@code -Xlog:safepoint:file=F:timenanos}, whose time is CLOCK_MONOTONIC like the probes' {@link System#nanoTime}
 * send times; a safepoint is logged as it ends, so it spans {@code [t - Total, t]} (the time to reach it included:
 * threads stop one by one during it). A probe that overlapped a gateway pause waited for it; the p99 of the
 * others is what the gateway adds when no pause is in the way.
 */
final class ProbePauses {
    private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ns\\].*Safepoint \"[^\"]+\".*Total: (\\d+) ns");

    /** One probe: where it went, when its request was written and its time to first content (ns). */
    record Probe(boolean direct, long sentNanos, long ttftNanos) {}

    private ProbePauses() {}

    /** The pauses of one JVM's safepoint log as {start, end} pairs (ns, CLOCK_MONOTONIC); empty when unreadable. */
    static List<long[]> pauses(Path log) {
        List<long[]> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    long end = Long.parseLong(m.group(1));
                    out.add(new long[] {end - Long.parseLong(m.group(2)), end});
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }

    /** How long [from, to) overlaps the pauses (ns). */
    static long overlap(long from, long to, List<long[]> pauses) {
        long total = 0;
        for (long[] p : pauses) {
            if (p[1] > from && p[0] < to) {
                total += Math.min(to, p[1]) - Math.max(from, p[0]);
            }
        }
        return total;
    }

    /**
     * One line: for the probes through the gateway and the direct ones, how many overlapped a pause of the
     * gateway / of the simulator, and the TTFT p50/p99 of those that overlapped none of their own path's pauses.
     */
    static String summary(List<Probe> probes, List<long[]> gateway, List<long[]> simulator) {
        StringBuilder s = new StringBuilder();
        for (boolean direct : new boolean[] {false, true}) {
            Stats all = new Stats();
            Stats clear = new Stats();
            int hitGateway = 0;
            int hitSimulator = 0;
            long pausedGateway = 0;
            for (Probe p : probes) {
                if (p.direct() != direct) {
                    continue;
                }
                long g = overlap(p.sentNanos(), p.sentNanos() + p.ttftNanos(), gateway);
                long m = overlap(p.sentNanos(), p.sentNanos() + p.ttftNanos(), simulator);
                hitGateway += g > 0 ? 1 : 0;
                hitSimulator += m > 0 ? 1 : 0;
                pausedGateway += g;
                all.add(p.ttftNanos());
                // a direct probe's path has no gateway in it: only the simulator's pauses count against it
                if (m == 0 && (direct || g == 0)) {
                    clear.add(p.ttftNanos());
                }
            }
            if (all.count() == 0) {
                continue;
            }
            s.append(String.format(Locale.ROOT, "%s%s probes: %d, TTFT p50 %.2f / p99 %.2f ms; %d overlapped a gateway"
                            + " pause (%.1f ms of them in total), %d a simulator pause; the %d that overlapped none on"
                            + " their path: p50 %.2f / p99 %.2f ms", s.isEmpty() ? "" : "; ",
                    direct ? "direct" : "gateway", all.count(), all.percentileMicros(50) / 1000,
                    all.percentileMicros(99) / 1000, hitGateway, pausedGateway / 1e6, hitSimulator, clear.count(),
                    clear.percentileMicros(50) / 1000, clear.percentileMicros(99) / 1000));
        }
        return s.toString();
    }
}
