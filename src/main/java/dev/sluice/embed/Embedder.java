package dev.sluice.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentence embeddings computed in-process with all-MiniLM-L6-v2 (384 dimensions, unit length),
 * the ONNX model shipped inside LangChain4j's embeddings jar: no network, no Python. The model
 * loads on first use (about half a second), not at start-up, so features that never embed never
 * pay for it. Thread-safe; share one instance.
 */
public final class Embedder {
    public static final int DIMENSIONS = 384;

    private volatile EmbeddingModel model;

    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    m = new AllMiniLmL6V2EmbeddingModel();
                    model = m;
                }
            }
        }
        return m;
    }

    /** The embedding of one text: 384 floats, L2-normalised, so a dot product is the cosine. */
    public float[] embed(String text) {
        return model().embed(text).content().vector();
    }

    public List<float[]> embedAll(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String t : texts) {
            segments.add(TextSegment.from(t));
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (Embedding e : model().embedAll(segments).content()) {
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
