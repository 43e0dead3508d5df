package dev.sluice.guard.eval;

import java.util.Locale;

/**
 * Detection figures of one detector on one set.
 *
 * @param tp          positives found
 * @param fp          detections that match nothing labelled (precision's denominator)
 * @param fn          positives missed
 * @param negatives   texts without this kind of thing
 * @param falseAlarms negatives in which the detector fired (the false-positive rate's numerator)
 */
public record DetectionMetrics(String name, int tp, int fp, int fn, int negatives, int falseAlarms) {

    public double precision() {
        return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
    }

    public double recall() {
        return tp + fn == 0 ? 1 : (double) tp / (tp + fn);
    }

    /** Share of the negatives in which the detector fired. */
    public double falsePositiveRate() {
        return negatives == 0 ? 0 : (double) falseAlarms / negatives;
    }

    public String row() {
        return String.format(Locale.ROOT, "  %-38s %5d %5d %5d %5d/%-5d %6.1f%%  %6.1f%%  %6.1f%%", name, tp, fp, fn,
                falseAlarms, negatives, 100 * precision(), 100 * recall(), 100 * falsePositiveRate());
    }

    public static String header() {
        return String.format(Locale.ROOT, "  %-38s %5s %5s %5s %11s %7s  %7s  %7s", "", "TP", "FP", "FN", "false/neg",
                "prec", "recall", "FPR");
    }
}
