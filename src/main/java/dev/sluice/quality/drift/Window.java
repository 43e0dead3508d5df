package dev.sluice.quality.drift;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The sums of the samples of one stretch of time, from which every drift figure follows: embedding
 * sum (for the centroid), counts per embedding cell (the sign pattern of four fixed random
 * hyperplanes through the origin: 16 cells, a locality-sensitive hash of the topic), prompt length
 * bins (powers of two), languages, finish reasons, refusals, tool calls and output tokens. Buckets
 * of time are windows too, merged into the recent and the baseline window when a figure is read.
 */
final class Window {
    static final int CELLS = 16;
    static final int LENGTH_BINS = 16;
    private static final float[][] PLANES = planes();

    long count;
    final double[] embeddingSum;
    final long[] cells = new long[CELLS];
    final long[] lengthBins = new long[LENGTH_BINS];
    final Map<String, Long> languages = new HashMap<>();
    final Map<String, Long> finishes = new HashMap<>();
    long refusals;
    long toolCalls;
    long outputTokens;
    long outputCount;

    Window(int dimensions) {
        this.embeddingSum = new double[dimensions];
    }

    private static float[][] planes() {
        Random random = new Random(20261206L); // fixed: cells must mean the same on every node and restart
        float[][] planes = new float[4][dev.sluice.embed.Embedder.DIMENSIONS];
        for (float[] plane : planes) {
            for (int i = 0; i < plane.length; i++) {
                plane[i] = (float) random.nextGaussian();
            }
        }
        return planes;
    }

    static int cell(float[] embedding) {
        int cell = 0;
        for (int p = 0; p < PLANES.length; p++) {
            double dot = 0;
            float[] plane = PLANES[p];
            for (int i = 0; i < embedding.length && i < plane.length; i++) {
                dot += plane[i] * embedding[i];
            }
            cell = (cell << 1) | (dot >= 0 ? 1 : 0);
        }
        return cell;
    }

    static int lengthBin(int tokens) {
        return Math.min(LENGTH_BINS - 1, 32 - Integer.numberOfLeadingZeros(Math.max(0, tokens)));
    }

    void add(Sample s) {
        count++;
        for (int i = 0; i < embeddingSum.length && i < s.embedding().length; i++) {
            embeddingSum[i] += s.embedding()[i];
        }
        cells[cell(s.embedding())]++;
        lengthBins[lengthBin(s.promptTokens())]++;
        languages.merge(s.language(), 1L, Long::sum);
        finishes.merge(s.finish(), 1L, Long::sum);
        refusals += s.refusal() ? 1 : 0;
        toolCalls += s.toolCall() ? 1 : 0;
        if (s.outputTokens() >= 0) {
            outputTokens += s.outputTokens();
            outputCount++;
        }
    }

    void addAll(Window w) {
        count += w.count;
        for (int i = 0; i < embeddingSum.length; i++) {
            embeddingSum[i] += w.embeddingSum[i];
        }
        for (int i = 0; i < CELLS; i++) {
            cells[i] += w.cells[i];
        }
        for (int i = 0; i < LENGTH_BINS; i++) {
            lengthBins[i] += w.lengthBins[i];
        }
        w.languages.forEach((k, v) -> languages.merge(k, v, Long::sum));
        w.finishes.forEach((k, v) -> finishes.merge(k, v, Long::sum));
        refusals += w.refusals;
        toolCalls += w.toolCalls;
        outputTokens += w.outputTokens;
        outputCount += w.outputCount;
    }
}
