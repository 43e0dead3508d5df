package dev.sluice.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
            Map<String, int[]> raw = rawData(graph);
            Map<String, OnnxTensor> t = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> table : TABLES.entrySet()) {
                int[] at = raw.get(table.getKey());
                long floats = table.getValue()[0] * table.getValue()[1];
                if (at == null || at[1] != floats * Float.BYTES) {
                    throw new IllegalArgumentException("not all-MiniLM-L6-v2's graph: no float table "
                            + table.getKey() + java.util.Arrays.toString(table.getValue()));
                }
                ByteBuffer copy = ByteBuffer.allocateDirect(at[1]).order(ByteOrder.LITTLE_ENDIAN);
                copy.put(graph, at[0], at[1]).flip();
                t.put(table.getKey(), OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), copy.asFloatBuffer(),
                        table.getValue()));
            }
            tensors = t;
        }
        return tensors;
    }

    /**
     * Where each float initializer's {@code raw_data} is in an ONNX file: offset and length by name. Just enough of
     * protobuf: ModelProto field 7 (graph), GraphProto field 5 (initializer), TensorProto fields 2 (data type), 8
     * (name) and 9 (raw data).
     */
    static Map<String, int[]> rawData(byte[] model) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int[] graph : fields(model, 0, model.length, 7)) {
            for (int[] tensor : fields(model, graph[0], graph[1], 5)) {
                String name = null;
                int[] raw = null;
                boolean isFloat = false;
                for (int[] f : allFields(model, tensor[0], tensor[1])) {
                    switch (f[2]) {
                        case 8 -> name = new String(model, f[0], f[1] - f[0], java.nio.charset.StandardCharsets.UTF_8);
                        case 9 -> raw = new int[] {f[0], f[1] - f[0]};
                        case 2 -> isFloat = f[3] == 0 && f[0] == 1;
                        default -> { }
                    }
                }
                if (name != null && raw != null && isFloat) {
                    out.put(name, raw);
                }
            }
        }
        return out;
    }

    /** The length-delimited fields numbered {@code number} in {@code [start, end)}: value start and end. */
    private static List<int[]> fields(byte[] b, int start, int end, int number) {
        List<int[]> out = new ArrayList<>();
        for (int[] f : allFields(b, start, end)) {
            if (f[2] == number && f[3] == 2) {
                out.add(new int[] {f[0], f[1]});
            }
        }
        return out;
    }

    /**
     * Every field in {@code [start, end)} as {a, b, number, wire type}: for length-delimited fields a/b are the value's
     * start and end, for varints a is the value (truncated to an int).
     */
    private static List<int[]> allFields(byte[] b, int start, int end) {
        List<int[]> out = new ArrayList<>();
        int[] pos = {start};
        while (pos[0] < end) {
            long key = varint(b, pos);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> out.add(new int[] {(int) varint(b, pos), 0, number, 0});
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    int n = (int) varint(b, pos);
                    out.add(new int[] {pos[0], pos[0] + n, number, 2});
                    pos[0] += n;
                }
                default -> throw new IllegalArgumentException("not an ONNX file: wire type " + wire + " at " + pos[0]);
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long r = 0;
        for (int shift = 0; ; shift += 7) {
            int c = b[pos[0]++] & 0xff;
            r |= (long) (c & 0x7f) << shift;
            if (c < 0x80) {
                return r;
            }
        }
    }
}
