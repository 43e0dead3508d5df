package dev.sluice.guard.ngram;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Logistic regression over hashed word and character n-grams ({@link TextFeatures}), scored over
 * windows of {@code window} token positions (stride {@code window / 2}); the text's score is its
 * highest window's, so an instruction hidden in the middle of a long document is not averaged
 * away. A window's logit is {@code bias + sum(weights of its features) / sqrt(feature count)},
 * computed from prefix sums, so every window costs O(1) after one O(n) pass: the whole scan is
 * linear in the text's length, whatever the window. {@link LinearTextTrainer} fits the weights
 * with the same windows (it learns on each text's highest-scoring window).
 *
 * <p>Shipped as a gzip resource: a JSON header (window, bias, operating point, how it was
 * trained) followed by {@code 2^bits} half-precision weights.
 */
public final class LinearTextModel {
    private static final int MAGIC = 0x534c544d; // "SLTM"

    private final int bits;
    private final int window;
    private final float[] weights;
    private final double bias;
    private final double operatingPoint;
    private final ObjectNode header;
    /** Whether the model reads {@link TextFeatures.Acts act features} (header {@code act_features}). */
    private final boolean acts;

    /**
     * @param operatingPoint the probability chosen (on a validation split) as the decision
     *                       threshold; {@link #score} maps it to 0.5
     */
    public LinearTextModel(int bits, int window, float[] weights, double bias, double operatingPoint, ObjectNode header) {
        if (weights.length != 1 << bits) {
            throw new IllegalArgumentException("weights must have 2^bits entries");
        }
        this.bits = bits;
        this.window = window;
        this.weights = weights;
        this.bias = bias;
        this.operatingPoint = operatingPoint;
        this.header = header == null ? Json.object() : header;
        this.acts = this.header.path("act_features").asBoolean(false);
    }

    public boolean acts() {
        return acts;
    }

    public int bits() {
        return bits;
    }

    public int window() {
        return window;
    }

    public double bias() {
        return bias;
    }

    public double operatingPoint() {
        return operatingPoint;
    }

    public ObjectNode header() {
        return header.deepCopy();
    }

    float[] weights() {
        return weights;
    }

    /** A copy with another operating point (chosen on validation data after training). */
    public LinearTextModel withOperatingPoint(double p, ObjectNode extraHeader) {
        ObjectNode h = header.deepCopy();
        if (extraHeader != null) {
            h.setAll(extraHeader);
        }
        return new LinearTextModel(bits, window, weights, bias, p, h);
    }

    /** The highest window probability of {@code text}, 0..1. */
    public double probability(String text) {
        return sigmoid(maxLogit(text));
    }

    /** {@link #probability} mapped so that the operating point is 0.5 (the policies' default threshold). */
    public double score(String text) {
        return calibrate(probability(text));
    }

    public double calibrate(double p) {
        return calibrate(p, operatingPoint);
    }

    /**
     * The operating point for retrieved documents and tool results (header
     * {@code document_operating_point}, chosen on the benign documents of the validation split),
     * or the main one when the model has none.
     */
    public double documentOperatingPoint() {
        return header.path("document_operating_point").asDouble(operatingPoint);
    }

    /** {@link #score} for a document or tool result: calibrated at {@link #documentOperatingPoint()}. */
    public double scoreDocument(String text) {
        return calibrate(probability(text), documentOperatingPoint());
    }

    static double calibrate(double p, double op) {
        return p >= op ? 0.5 + 0.5 * (p - op) / (1 - op) : 0.5 * p / op;
    }

    /** The highest window logit; {@code bias} for a text without tokens. */
    public double maxLogit(String text) {
        WindowSink sink = new WindowSink(weights, window, bias);
        TextFeatures.extract(text, bits, acts, sink);
        return sink.finish();
    }

    /**
     * The windows of {@link #best}, evaluated while the features stream by: only the last
     * {@code window + 1} prefix sums are kept, so a 1 MB text needs no per-position arrays.
     */
    private static final class WindowSink implements TextFeatures.Sink {
        private final float[] weights;
        private final int window;
        private final int stride;
        private final double bias;
        private final double[] ringSum;
        private final int[] ringCount;
        private double sum;
        private int count;
        private int positions;
        private double best = Double.NEGATIVE_INFINITY;

        WindowSink(float[] weights, int window, double bias) {
            this.weights = weights;
            this.window = window;
            this.stride = Math.max(1, window / 2);
            this.bias = bias;
            this.ringSum = new double[window + 1];
            this.ringCount = new int[window + 1];
        }

        @Override
        public void feature(int bucket) {
            sum += weights[bucket];
            count++;
        }

        @Override
        public void endPosition() {
            positions++;
            ringSum[positions % (window + 1)] = sum;
            ringCount[positions % (window + 1)] = count;
            int start = positions - window;
            if (start >= 0 && start % stride == 0) {
                consider(start);
            }
        }

        private void consider(int start) {
            int slot = start % (window + 1);
            int c = count - ringCount[slot];
            double logit = bias + (c == 0 ? 0 : (sum - ringSum[slot]) / Math.sqrt(c));
            best = Math.max(best, logit);
        }

        double finish() {
            if (positions == 0) {
                return bias;
            }
            consider(Math.max(0, positions - window)); // the last window ends at the text's end (or the whole short text)
            return best;
        }
    }

    /** Per-position prefix sums of weights and feature counts. */
    record Prefix(double[] sum, int[] count, int positions) {}

    static Prefix prefix(String text, float[] weights, int bits, boolean acts) {
        PrefixSink sink = new PrefixSink(weights, Math.max(16, text.length() / 3));
        TextFeatures.extract(text, bits, acts, sink);
        return new Prefix(sink.sum, sink.count, sink.positions);
    }

    /** {logit, start, end} of the highest-scoring window. */
    static double[] best(Prefix p, int window, double bias, float[] weights) {
        int n = p.positions();
        if (n == 0) {
            return new double[] {bias, 0, 0};
        }
        int w = Math.min(window, n);
        int stride = Math.max(1, window / 2);
        double best = Double.NEGATIVE_INFINITY;
        int bestStart = 0;
        for (int start = 0; ; start += stride) {
            int end = Math.min(n, start + w);
            int a = end - w; // the last window ends at the text's end and is full length
            int count = p.count()[end] - p.count()[a];
            double logit = bias + (count == 0 ? 0 : (p.sum()[end] - p.sum()[a]) / Math.sqrt(count));
            if (logit > best) {
                best = logit;
                bestStart = a;
            }
            if (end == n) {
                break;
            }
        }
        return new double[] {best, bestStart, bestStart + w};
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static final class PrefixSink implements TextFeatures.Sink {
        private final float[] weights;
        double[] sum;
        int[] count;
        int positions;
        private double runningSum;
        private int runningCount;

        PrefixSink(float[] weights, int capacity) {
            this.weights = weights;
            this.sum = new double[capacity + 1];
            this.count = new int[capacity + 1];
        }

        @Override
        public void feature(int bucket) {
            runningSum += weights[bucket];
            runningCount++;
        }

        @Override
        public void endPosition() {
            positions++;
            if (positions >= sum.length) {
                sum = Arrays.copyOf(sum, sum.length * 2);
                count = Arrays.copyOf(count, count.length * 2);
            }
            sum[positions] = runningSum;
            count[positions] = runningCount;
        }
    }

    // ------------------------------------------------------------------ persistence

    public void write(OutputStream out) throws IOException {
        ObjectNode h = header.deepCopy();
        h.put("bits", bits);
        h.put("window", window);
        h.put("bias", bias);
        h.put("operating_point", operatingPoint);
        try (DataOutputStream data = new DataOutputStream(new GZIPOutputStream(out))) {
            data.writeInt(MAGIC);
            byte[] json = Json.MAPPER.writeValueAsBytes(h);
            data.writeInt(json.length);
            data.write(json);
            for (float w : weights) {
                data.writeShort(Float.floatToFloat16(w));
            }
        }
    }

    public static LinearTextModel read(InputStream in) throws IOException {
        try (DataInputStream data = new DataInputStream(new GZIPInputStream(in))) {
            if (data.readInt() != MAGIC) {
                throw new IOException("not a Sluice linear text model");
            }
            byte[] json = new byte[data.readInt()];
            data.readFully(json);
            ObjectNode h = (ObjectNode) Json.MAPPER.readTree(json);
            int bits = h.get("bits").asInt();
            float[] weights = new float[1 << bits];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = Float.float16ToFloat(data.readShort());
            }
            return new LinearTextModel(bits, h.get("window").asInt(), weights, h.get("bias").asDouble(),
                    h.get("operating_point").asDouble(), h);
        }
    }

    /** The model shipped in the jar at {@code resource}. */
    public static LinearTextModel load(String resource) {
        try (InputStream in = LinearTextModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the model is missing from the jar: " + resource);
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model " + resource, e);
        }
    }
}
