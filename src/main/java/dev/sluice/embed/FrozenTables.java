package dev.sluice.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * all-MiniLM-L6-v2's word, position and token-type embedding tables, one copy per process in native memory, handed to
 * every ONNX Runtime session built on LangChain4j's graph ({@link Embedder}'s, and the fine-tuned injection readers',
 * which train everything but these tables: tools/guard-tune). Without this each session kept its own copy of the
 * 30,522 x 384 word table, 46.9 MB: with the documents' reader loaded next to the embedder the demo's configuration
 * held it twice (session 18, bench/README.md). ONNX Runtime uses a table given through
 * {@link OrtSession.SessionOptions#addInitializer} in place, instead of deserializing its own from the graph; the
 * values are the graph's own, so every score is bit for bit what it was.
 *
 * <p>The tables are copied out of the first graph a session is built from, which must be LangChain4j's (the names and
 * shapes are checked; a graph whose tables differ in value would silently use these, so only callers holding that
 * graph call this). They are never freed: the sessions that use them live as long as the process.
 */
public final class FrozenTables {
    /** The initializers fine-tuning leaves frozen, by their name in the graph, with their shapes. */
    static final Map<String, long[]> TABLES = tables();

    /** The process's copy, created from the first graph (one per process, like {@link Embedder}'s model). */
    private static Map<String, OnnxTensor> tensors;

    private FrozenTables() {}

    /** Whether {@code name} is one of the shared tables (a graph that replaces one must not share them). */
    public static boolean shared(String name) {
        return TABLES.containsKey(name);
    }

    private static Map<String, long[]> tables() {
        Map<String, long[]> t = new LinkedHashMap<>();
        t.put("embeddings.word_embeddings.weight", new long[] {30522, 384});
        t.put("embeddings.position_embeddings.weight", new long[] {512, 384});
        t.put("embeddings.token_type_embeddings.weight", new long[] {2, 384});
        return t;
    }

    /**
     * Makes a session built with {@code options} use the process's copy of the frozen tables; {@code graph} is
     * LangChain4j's all-MiniLM-L6-v2 ONNX file (or a copy with other tensors replaced), read only the first time.
     */
    public static void shareWith(OrtSession.SessionOptions options, byte[] graph) throws OrtException {
        for (Map.Entry<String, OnnxTensor> e : tensors(graph).entrySet()) {
            options.addInitializer(e.getKey(), e.getValue());
        }
    }

    private static synchronized Map<String, OnnxTensor> tensors(byte[] graph) throws OrtException {
        if (tensors == null) {
            Map<String, OnnxInitializers.Tensor> initializers = new OnnxInitializers(graph).initializers;
            Map<String, OnnxTensor> t = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> table : TABLES.entrySet()) {
                OnnxInitializers.Tensor at = initializers.get(table.getKey());
                long floats = table.getValue()[0] * table.getValue()[1];
                if (at == null || at.dataType() != 1 || at.offset() < 0 || at.length() != floats * Float.BYTES) {
                    throw new IllegalArgumentException("not all-MiniLM-L6-v2's graph: no float table "
                            + table.getKey() + java.util.Arrays.toString(table.getValue()));
                }
                ByteBuffer copy = ByteBuffer.allocateDirect(at.length()).order(ByteOrder.LITTLE_ENDIAN);
                copy.put(graph, at.offset(), at.length()).flip();
                t.put(table.getKey(), OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), copy.asFloatBuffer(),
                        table.getValue()));
            }
            tensors = t;
        }
        return tensors;
    }
}
