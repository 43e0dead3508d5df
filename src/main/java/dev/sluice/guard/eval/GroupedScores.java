package dev.sluice.guard.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * How often each detector fires per group of labelled texts (a split and a source, positives and
 * negatives apart): on positives that is recall, on negatives the false-positive rate. Every
 * group is reported on its own, so a detector cannot hide a bad source behind a pooled figure.
 */
public final class GroupedScores {
    /** A detector under evaluation: does it flag this row? */
    public record Detector(String name, Predicate<PublicSets.Row> flags) {}

    private final List<String> detectors = new ArrayList<>();
    /** group -> detector -> {flagged, total} */
    private final Map<String, Map<String, int[]>> counts = new TreeMap<>();

    /** Runs every detector on every row; {@code positive} says which rows are positives. */
    public static GroupedScores run(List<PublicSets.Row> rows, Predicate<PublicSets.Row> positive, List<Detector> detectors) {
        GroupedScores g = new GroupedScores();
        detectors.forEach(d -> g.detectors.add(d.name()));
        for (PublicSets.Row r : rows) {
            String group = r.split() + " | " + (positive.test(r) ? "+ " : "- ") + r.source();
            Map<String, int[]> byDetector = g.counts.computeIfAbsent(group, k -> new LinkedHashMap<>());
            for (Detector d : detectors) {
                int[] c = byDetector.computeIfAbsent(d.name(), k -> new int[2]);
                c[1]++;
                if (d.flags().test(r)) {
                    c[0]++;
                }
            }
        }
        return g;
    }

    /** Flagged share in {@code group} for {@code detector}. */
    public double rate(String group, String detector) {
        int[] c = counts.get(group).get(detector);
        return c[1] == 0 ? 0 : (double) c[0] / c[1];
    }

    public Map<String, Map<String, int[]>> counts() {
        return counts;
    }

    /** Precision, recall and F1 per split and source (sources that have both positives and negatives). */
    public String f1Table() {
        StringBuilder sb = new StringBuilder();
        Map<String, Map<String, int[]>> bySource = new TreeMap<>(); // "split source" -> detector -> tp, fp, fn
        for (Map.Entry<String, Map<String, int[]>> e : counts.entrySet()) {
            String[] parts = e.getKey().split(" \\| [+-] ", 2);
            boolean positive = e.getKey().contains("| +");
            String key = parts[0] + " | " + parts[1];
            for (String d : detectors) {
                int[] c = e.getValue().get(d);
                int[] into = bySource.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(d, k -> new int[3]);
                if (positive) {
                    into[0] += c[0];
                    into[2] += c[1] - c[0];
                } else {
                    into[1] += c[0];
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "  %-46s", "split | source: precision / recall / F1"));
        for (String d : detectors) {
            sb.append(String.format(Locale.ROOT, " %22s", d));
        }
        sb.append('\n');
        for (Map.Entry<String, Map<String, int[]>> e : bySource.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-46s", e.getKey()));
            for (String d : detectors) {
                int[] c = e.getValue().get(d);
                double p = c[0] + c[1] == 0 ? 0 : (double) c[0] / (c[0] + c[1]);
                double r = c[0] + c[2] == 0 ? 0 : (double) c[0] / (c[0] + c[2]);
                double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
                sb.append(String.format(Locale.ROOT, " %6.1f%% %6.1f%% %6.3f", 100 * p, 100 * r, f1));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A table: one line per group, one column per detector ("flagged/total rate"). */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  %-46s", "split | +positives/-negatives source"));
        for (String d : detectors) {
            sb.append(String.format(Locale.ROOT, " %22s", d));
        }
        sb.append('\n');
        for (Map.Entry<String, Map<String, int[]>> e : counts.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-46s", e.getKey()));
            for (String d : detectors) {
                int[] c = e.getValue().get(d);
                sb.append(String.format(Locale.ROOT, " %12s %8.1f%%", c[0] + "/" + c[1], 100.0 * c[0] / Math.max(1, c[1])));
            }
            sb.append('\n');
        }
        for (String split : List.of("train", "val", "test")) {
            int[][] pos = new int[detectors.size()][2];
            int[][] neg = new int[detectors.size()][2];
            double[] worstNeg = new double[detectors.size()];
            boolean any = false;
            for (Map.Entry<String, Map<String, int[]>> e : counts.entrySet()) {
                if (!e.getKey().startsWith(split + " ")) {
                    continue;
                }
                any = true;
                boolean positive = e.getKey().contains("| +");
                for (int i = 0; i < detectors.size(); i++) {
                    int[] c = e.getValue().get(detectors.get(i));
                    int[] into = positive ? pos[i] : neg[i];
                    into[0] += c[0];
                    into[1] += c[1];
                    if (!positive) {
                        worstNeg[i] = Math.max(worstNeg[i], (double) c[0] / Math.max(1, c[1]));
                    }
                }
            }
            if (!any) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "  %-46s", split + " pooled: recall / FPR / worst-source FPR"));
            for (int i = 0; i < detectors.size(); i++) {
                sb.append(String.format(Locale.ROOT, " %6.1f%% %6.1f%% %6.1f%%", 100.0 * pos[i][0] / Math.max(1, pos[i][1]),
                        100.0 * neg[i][0] / Math.max(1, neg[i][1]), 100 * worstNeg[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
