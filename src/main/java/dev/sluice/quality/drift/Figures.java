package dev.sluice.quality.drift;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The drift figures of a recent window against a baseline window; 0 means "the same". PSI is the
 * population stability index, {@code sum((r - b) * ln(r / b))} over the shares of each bin, with
 * empty bins smoothed; by the usual rule of thumb below 0.1 is stable and above 0.25 a real shift
 * (with fewer than a few hundred samples, noise alone gives around (bins - 1) x (1/n + 1/m)).
 */
final class Figures {
    private static final double SMOOTH = 1e-4;
    /** A cell holding less than this share of the baseline is a topic the baseline did not have. */
    private static final double UNKNOWN_CELL = 0.01;

    private Figures() {}

    static Map<String, Double> compare(Window recent, Window baseline) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("centroid_distance", centroidDistance(recent, baseline));
        out.put("centroid_shift", centroidShift(recent, baseline));
        out.put("embedding_psi", psi(recent.cells, baseline.cells));
        out.put("unknown_topic_share", unknownTopicShare(recent, baseline));
        out.put("prompt_length_psi", psi(recent.lengthBins, baseline.lengthBins));
        out.put("language_psi", psi(recent.languages, baseline.languages));
        out.put("output_length_change", outputLengthChange(recent, baseline));
        out.put("refusal_rate_change", Math.abs(rate(recent.refusals, recent.count) - rate(baseline.refusals, baseline.count)));
        out.put("tool_call_rate_change", Math.abs(rate(recent.toolCalls, recent.count) - rate(baseline.toolCalls, baseline.count)));
        out.put("finish_reason_psi", psi(recent.finishes, baseline.finishes));
        return out;
    }

    /** 1 − cosine of the two windows' mean embeddings. */
    static double centroidDistance(Window a, Window b) {
        if (a.count == 0 || b.count == 0) {
            return 0;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.embeddingSum.length; i++) {
            dot += a.embeddingSum[i] * b.embeddingSum[i];
            na += a.embeddingSum[i] * a.embeddingSum[i];
            nb += b.embeddingSum[i] * b.embeddingSum[i];
        }
        return na == 0 || nb == 0 ? 0 : Math.max(0, 1 - dot / Math.sqrt(na * nb));
    }

    /**
     * How far the two windows' mean embeddings are apart, in units of what sampling alone would
     * explain: {@code |c_r − c_b|² / (D_r / n_r + D_b / n_b)}, where {@code D = 1 − |c|²} is a
     * window's spread (the mean squared distance of unit vectors to their centroid). About 1 when
     * both windows are samples of the same traffic, whatever their size; a topic shift gives tens.
     */
    static double centroidShift(Window a, Window b) {
        if (a.count < 2 || b.count < 2) {
            return 0;
        }
        double distance = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.embeddingSum.length; i++) {
            double ca = a.embeddingSum[i] / a.count;
            double cb = b.embeddingSum[i] / b.count;
            distance += (ca - cb) * (ca - cb);
            normA += ca * ca;
            normB += cb * cb;
        }
        double noise = Math.max(1e-9, (1 - normA) / a.count + (1 - normB) / b.count);
        return distance / noise;
    }

    static double psi(long[] recent, long[] baseline) {
        long r = sum(recent);
        long b = sum(baseline);
        if (r == 0 || b == 0) {
            return 0;
        }
        double psi = 0;
        for (int i = 0; i < recent.length; i++) {
            psi += term((double) recent[i] / r, (double) baseline[i] / b);
        }
        return psi;
    }

    static double psi(Map<String, Long> recent, Map<String, Long> baseline) {
        Set<String> keys = new HashSet<>(recent.keySet());
        keys.addAll(baseline.keySet());
        long[] r = new long[keys.size()];
        long[] b = new long[keys.size()];
        int i = 0;
        for (String k : keys) {
            r[i] = recent.getOrDefault(k, 0L);
            b[i++] = baseline.getOrDefault(k, 0L);
        }
        return psi(r, b);
    }

    private static double term(double r, double b) {
        double rs = Math.max(r, SMOOTH);
        double bs = Math.max(b, SMOOTH);
        return (rs - bs) * Math.log(rs / bs);
    }

    private static double unknownTopicShare(Window recent, Window baseline) {
        if (recent.count == 0 || baseline.count == 0) {
            return 0;
        }
        long unknown = 0;
        for (int c = 0; c < Window.CELLS; c++) {
            if ((double) baseline.cells[c] / baseline.count < UNKNOWN_CELL) {
                unknown += recent.cells[c];
            }
        }
        return (double) unknown / recent.count;
    }

    private static double outputLengthChange(Window recent, Window baseline) {
        if (recent.outputCount == 0 || baseline.outputCount == 0 || baseline.outputTokens == 0) {
            return 0;
        }
        double r = (double) recent.outputTokens / recent.outputCount;
        double b = (double) baseline.outputTokens / baseline.outputCount;
        return Math.abs(r / b - 1);
    }

    private static double rate(long n, long of) {
        return of == 0 ? 0 : (double) n / of;
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
