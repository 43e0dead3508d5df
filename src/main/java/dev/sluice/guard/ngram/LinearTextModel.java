package dev.sluice.guard.ngram;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.guard.Folded;
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
     * A second, smaller window in token positions (header {@code small_window}, 0 for none): a short
     * instruction inside a long document is judged by a window of its own size, not diluted by a
     * hundred benign tokens around it. Windows of both sizes are scored; the highest counts.
     */
    private final int smallWindow;

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
        this.smallWindow = Math.min(window, this.header.path("small_window").asInt(0));
    }

    public int smallWindow() {
        return smallWindow;
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
        return calibrate(sigmoid(maxLogit(text, stopLogit(operatingPoint))));
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

    /**
     * The operating point of a document's sentences (header {@code document_sentence_operating_point},
     * chosen on the benign validation documents), or 1 (off) for a model without one.
     */
    public double sentenceOperatingPoint() {
        return header.path("document_sentence_operating_point").asDouble(1);
    }

    /**
     * {@link #score} for a document or tool result: its windows calibrated at {@link
     * #documentOperatingPoint()} and, when the model has a sentence operating point, each of its
     * sentences (runs of tokens ended by {@code . ! ?} or a line break) calibrated at {@link
     * #sentenceOperatingPoint()}; the higher counts. An injection inside a document is usually a
     * sentence or two addressed to the assistant among ordinary text: within a 128-token window its
     * few tokens are diluted by the document around them, on their own they are not.
     */
    public double scoreDocument(String text) {
        double op = documentOperatingPoint();
        double sop = sentenceOperatingPoint();
        double[] logits = documentLogits(text, stopLogit(op), sop >= 1 ? Double.NaN : stopLogit(sop));
        double window = calibrate(sigmoid(logits[0]), op);
        return Double.isNaN(logits[1]) ? window : Math.max(window, calibrate(sigmoid(logits[1]), sop));
    }

    /**
     * {window probability, highest sentence probability} of a document (the sentence one NaN for a
     * text without tokens); for choosing the operating points on validation data.
     */
    public double[] documentProbabilities(String text) {
        double[] l = documentLogits(text, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        return new double[] {sigmoid(l[0]), Double.isNaN(l[1]) ? Double.NaN : sigmoid(l[1])};
    }

    static double calibrate(double p, double op) {
        return p >= op ? 0.5 + 0.5 * (p - op) / (1 - op) : 0.5 * p / op;
    }

    /**
     * The logit at which a scan may stop: a window there already scores {@link #EARLY_EXIT} on the
     * calibrated scale, which every policy threshold below it treats alike (a block is a block).
     */
    static double stopLogit(double op) {
        double p = op + (EARLY_EXIT - 0.5) / 0.5 * (1 - op);
        return p >= 1 ? Double.POSITIVE_INFINITY : Math.log(p / (1 - p));
    }

    /** The calibrated score past which {@link #score} stops reading (the scanners' own cap is 0.99). */
    static final double EARLY_EXIT = 0.995;

    /**
     * Texts up to this many characters are read whole; a longer one is read in two passes (see
     * {@link #maxLogit(String, double)}).
     */
    public static final int FULL_SCAN_CHARS = 32 * 1024;
    /** The long-text scan re-reads with every feature at most this many windows of the first pass. */
    static final int RESCORED_WINDOWS = 24;
    /** Characters re-read on each side of such a window (its windows are aligned to the stretch, not the text). */
    static final int RESCORE_MARGIN = 256;
    /** ... and always the first and last characters of the text (instructions sit at a document's start or end). */
    static final int HEAD_CHARS = 4096;
    static final int TAIL_CHARS = 2048;

    /** The highest window logit; {@code bias} for a text without tokens. */
    public double maxLogit(String text) {
        return maxLogit(text, Double.POSITIVE_INFINITY);
    }

    /**
     * The highest window logit, or any logit of at least {@code stopAt} (the scan stops at the first
     * window that reaches it). A text longer than {@link #FULL_SCAN_CHARS} is read in two passes,
     * so the model's cost per megabyte is bounded: first every window with the cheap features only
     * (words, word pairs and acts: two or three table reads per token instead of about fifteen),
     * then, with every feature, the {@link #RESCORED_WINDOWS} windows that scored highest in that
     * pass, plus the text's first and last characters. Every token is read; the character n-grams
     * are read only where the words already look most like the positive class, so a window whose
     * words alone look benign but whose character n-grams would flag it can be missed in a long
     * text (the rules still read all of it).
     */
    public double maxLogit(String text, double stopAt) {
        return documentLogits(text, stopAt, Double.NaN)[0];
    }

    /**
     * {highest window logit, highest sentence logit}, read as {@link #maxLogit(String, double)} reads
     * (the long-text cascade included: there the sentences of the stretches it re-reads are scored).
     * With {@code sentenceStop} NaN no sentence is scored (and the second logit is NaN); otherwise
     * the scan also stops once a sentence reaches {@code sentenceStop}.
     */
    double[] documentLogits(String text, double stopAt, double sentenceStop) {
        String f = Folded.fold(text);
        boolean sentences = !Double.isNaN(sentenceStop);
        double[] best = {Double.NEGATIVE_INFINITY, sentences ? Double.NEGATIVE_INFINITY : Double.NaN};
        if (f.length() <= FULL_SCAN_CHARS) {
            scan(f, 0, f.length(), stopAt, sentenceStop, false, best);
            return best;
        }
        CheapSink cheap = new CheapSink(weights, window, smallWindow, bias, RESCORED_WINDOWS);
        TextFeatures.extractFolded(f, 0, f.length(), bits, acts, false, cheap);
        if (scan(f, 0, Math.min(HEAD_CHARS, f.length()), stopAt, sentenceStop, false, best)) {
            return best;
        }
        if (scan(f, Math.max(0, f.length() - TAIL_CHARS), f.length(), stopAt, sentenceStop, false, best)) {
            return best;
        }
        for (long range : cheap.ranges()) {
            int from = Math.max(0, (int) (range >>> 32) - RESCORE_MARGIN);
            int to = Math.min(f.length(), (int) range + RESCORE_MARGIN);
            if (scan(f, from, to, stopAt, sentenceStop, true, best)) {
                break;
            }
        }
        return best;
    }

    /**
     * Scores {@code folded[from, to)} into {@code best} ({window, sentence} maxima); true when a stop
     * point was reached. With {@code everyStart}, windows start at every token (a re-read stretch is
     * not aligned to the text's windows).
     */
    private boolean scan(String folded, int from, int to, double stopAt, double sentenceStop, boolean everyStart, double[] best) {
        WindowSink sink = new WindowSink(weights, window, smallWindow, bias, stopAt, everyStart,
                Double.isNaN(sentenceStop) ? null : folded, sentenceStop);
        TextFeatures.extractFolded(folded, from, to, bits, acts, true, sink);
        best[0] = Math.max(best[0], sink.finish());
        if (!Double.isNaN(sentenceStop)) {
            best[1] = Math.max(best[1], sink.bestSentence);
        }
        return sink.done();
    }

    /**
     * The first pass of a long text: every window's logit from the cheap features, keeping the
     * character ranges of the {@code keep} highest windows (a window's range runs from its first
     * token to its last).
     */
    private static final class CheapSink implements TextFeatures.Sink {
        private final float[] weights;
        private final int window;
        private final int stride;
        private final double bias;
        private final double[] ringSum;
        private final int[] ringCount;
        private final int[] ringFrom;
        private final int keep;
        private final double[] topLogit;
        private final long[] topRange;
        private int kept;
        private double sum;
        private int count;
        private int positions;
        private int from;
        private int to;
        private final int small;
        private final int smallStride;

        CheapSink(float[] weights, int window, int small, double bias, int keep) {
            this.weights = weights;
            this.window = window;
            this.small = small;
            this.smallStride = Math.max(1, small / 2);
            this.stride = Math.max(1, window / 2);
            this.bias = bias;
            this.ringSum = new double[window + 1];
            this.ringCount = new int[window + 1];
            this.ringFrom = new int[window + 1];
            this.keep = keep;
            this.topLogit = new double[keep];
            this.topRange = new long[keep];
        }

        @Override
        public void span(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void feature(int bucket) {
            sum += weights[bucket];
            count++;
        }

        @Override
        public void endPosition() {
            ringFrom[positions % (window + 1)] = from; // the token that starts the window beginning after this prefix
            positions++;
            ringSum[positions % (window + 1)] = sum;
            ringCount[positions % (window + 1)] = count;
            int start = positions - window;
            if (start >= 0 && start % stride == 0) {
                window(start);
            }
            start = positions - small;
            if (small > 0 && start >= 0 && start % smallStride == 0) {
                window(start);
            }
        }

        private void window(int start) {
            int slot = start % (window + 1);
            int c = count - ringCount[slot];
            double logit = bias + (c == 0 ? 0 : (sum - ringSum[slot]) / Math.sqrt(c));
            offer(logit, ringFrom[slot], to);
        }

        private void offer(double logit, int a, int b) {
            long range = (long) a << 32 | (b & 0xffffffffL);
            if (kept < keep) {
                topLogit[kept] = logit;
                topRange[kept++] = range;
                return;
            }
            int min = 0;
            for (int k = 1; k < keep; k++) {
                if (topLogit[k] < topLogit[min]) {
                    min = k;
                }
            }
            if (logit > topLogit[min]) {
                topLogit[min] = logit;
                topRange[min] = range;
            }
        }

        /** The kept ranges, highest first. */
        long[] ranges() {
            Integer[] order = new Integer[kept];
            for (int k = 0; k < kept; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (x, y) -> Double.compare(topLogit[y], topLogit[x]));
            long[] out = new long[kept];
            for (int k = 0; k < kept; k++) {
                out[k] = topRange[order[k]];
            }
            return out;
        }
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
        private final double stopAt;
        private final int small;
        private final int smallStride;
        /** The folded text when sentences are scored, else null. */
        private final String text;
        private final double sentenceStop;
        double bestSentence = Double.NEGATIVE_INFINITY;
        private int sentenceStart;
        private double sentenceStartSum;
        private int sentenceStartCount;
        private int lastEnd = -1;
        private boolean endsSentence;

        WindowSink(float[] weights, int window, int small, double bias, double stopAt, boolean everyStart,
                   String text, double sentenceStop) {
            this.text = text;
            this.sentenceStop = sentenceStop;
            this.stopAt = stopAt;
            this.small = small;
            this.smallStride = everyStart ? 1 : Math.max(1, small / 2);
            this.weights = weights;
            this.window = window;
            this.stride = everyStart ? 1 : Math.max(1, window / 2);
            this.bias = bias;
            this.ringSum = new double[window + 1];
            this.ringCount = new int[window + 1];
        }

        @Override
        public void feature(int bucket) {
            sum += weights[bucket];
            count++;
        }

        /** A line break before this token ends the sentence before it; a token with . ! or ? ends its own. */
        @Override
        public void span(int from, int to) {
            if (text == null) {
                return;
            }
            if (lastEnd >= 0 && positions > sentenceStart) {
                for (int k = lastEnd; k < from; k++) {
                    if (text.charAt(k) == '\n') {
                        endSentence();
                        break;
                    }
                }
            }
            endsSentence = false;
            for (int k = from; k < to; k++) {
                char c = text.charAt(k);
                if (c == '.' || c == '!' || c == '?' || c == '\u3002') {
                    endsSentence = true;
                    break;
                }
                if (Character.isLetterOrDigit(c)) {
                    break; // a word token (runs of letters and digits never hold the marks)
                }
            }
            lastEnd = to;
        }

        private void endSentence() {
            int c = count - sentenceStartCount;
            if (c > 0) {
                bestSentence = Math.max(bestSentence, bias + (sum - sentenceStartSum) / Math.sqrt(c));
            }
            sentenceStart = positions;
            sentenceStartSum = sum;
            sentenceStartCount = count;
        }

        @Override
        public void endPosition() {
            positions++;
            ringSum[positions % (window + 1)] = sum;
            ringCount[positions % (window + 1)] = count;
            if (text != null && endsSentence) {
                endSentence();
            }
            int start = positions - window;
            if (start >= 0 && start % stride == 0) {
                consider(start);
            }
            start = positions - small;
            if (small > 0 && start >= 0 && start % smallStride == 0) {
                consider(start);
            }
        }

        private void consider(int start) {
            int slot = start % (window + 1);
            int c = count - ringCount[slot];
            double logit = bias + (c == 0 ? 0 : (sum - ringSum[slot]) / Math.sqrt(c));
            best = Math.max(best, logit);
        }

        @Override
        public boolean done() {
            return best >= stopAt || bestSentence >= sentenceStop;
        }

        double finish() {
            if (positions == 0) {
                return bias;
            }
            if (text != null && positions > sentenceStart) {
                endSentence();
            }
            if (done()) {
                return best;
            }
            consider(Math.max(0, positions - window)); // the last window ends at the text's end (or the whole short text)
            if (small > 0) {
                consider(Math.max(0, positions - small));
            }
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

    /** {logit, start, end} of the highest-scoring window of either size ({@code small} 0: one size). */
    static double[] best(Prefix p, int window, int small, double bias, float[] weights) {
        double[] a = best(p, window, bias, weights);
        if (small <= 0) {
            return a;
        }
        double[] b = best(p, small, bias, weights);
        return b[0] > a[0] ? b : a;
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
