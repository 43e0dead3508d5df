package dev.sluice.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough of ONNX's protobuf to find the initializers (raw little-endian float/int64 tensors) of
 * the MiniLM model and to write a copy with some of them replaced in place: the graph is untouched,
 * each replaced tensor keeps its shape, so its bytes are overwritten at the same offset. Used by
 * {@link FrozenTables} (where the shared embedding tables are), the injection readers and their int8 quantizer
 * ({@code dev.sluice.guard.injection}), and tools/guard-tune (which reads the tensors it trains and compiles
 * against the gateway's classes).
 */
public final class OnnxInitializers {
    public record Tensor(String name, long[] dims, int dataType, int offset, int length) {
        public int size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return (int) n;
        }
    }

    public final byte[] bytes;
    public final Map<String, Tensor> initializers = new LinkedHashMap<>();
    /** Where the graph's bytes (ModelProto field 7) start and end. */
    public final int graphStart;
    public final int graphEnd;

    public OnnxInitializers(byte[] bytes) {
        this.bytes = bytes;
        int[] graph = null;
        for (int[] f : fields(0, bytes.length)) {
            if (f[0] == 7 && f[1] == 2) {
                graph = new int[] {f[2], f[3]};
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException("no graph in the ONNX file");
        }
        graphStart = graph[0];
        graphEnd = graph[1];
        for (int[] f : fields(graph[0], graph[1])) {
            if (f[0] == 5 && f[1] == 2) {
                Tensor t = tensor(f[2], f[3]);
                initializers.put(t.name(), t);
            }
        }
    }

    public float[] floats(String name) {
        Tensor t = initializers.get(name);
        if (t == null || t.dataType() != 1) {
            throw new IllegalArgumentException("no float initializer " + name);
        }
        float[] out = new float[t.size()];
        ByteBuffer.wrap(bytes, t.offset(), t.length()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** A copy of the model with the given float initializers replaced (same shapes). */
    public byte[] withReplaced(Map<String, float[]> values) {
        return replace(bytes.clone(), values);
    }

    /** {@link #withReplaced} without the copy: this model's own bytes are overwritten, and returned. */
    public byte[] replace(Map<String, float[]> values) {
        return replace(bytes, values);
    }

    private byte[] replace(byte[] out, Map<String, float[]> values) {
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            Tensor t = initializers.get(e.getKey());
            if (t == null || t.dataType() != 1 || t.size() != e.getValue().length) {
                throw new IllegalArgumentException("cannot replace " + e.getKey());
            }
            ByteBuffer.wrap(out, t.offset(), t.length()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(e.getValue());
        }
        return out;
    }

    /** The TensorProto whose bytes are {@code [start, end)}. */
    public Tensor tensor(int start, int end) {
        java.util.List<Long> dims = new java.util.ArrayList<>();
        int dataType = 0;
        String name = null;
        int rawOffset = -1;
        int rawLength = 0;
        for (int[] f : fields(start, end)) {
            switch (f[0]) {
                case 1 -> {
                    if (f[1] == 0) {
                        dims.add(((long) f[3] << 32) | (f[2] & 0xffffffffL));
                    } else {
                        int[] pos = {f[2]};
                        while (pos[0] < f[3]) {
                            dims.add(varint(pos));
                        }
                    }
                }
                case 2 -> dataType = f[2];
                case 8 -> name = new String(bytes, f[2], f[3] - f[2], java.nio.charset.StandardCharsets.UTF_8);
                case 9 -> {
                    rawOffset = f[2];
                    rawLength = f[3] - f[2];
                }
                default -> { }
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        return new Tensor(name, d, dataType, rawOffset, rawLength);
    }

    /**
     * Each field as {number, wire type, a, b, field start, field end}: for varints a/b = low/high 32 bits; for length-delimited a/b =
     * start/end of the value; the field (key included) spans field start to field end.
     */
    public java.util.List<int[]> fields(int start, int end) {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        int[] pos = {start};
        while (pos[0] < end) {
            int at = pos[0];
            long key = varint(pos);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> {
                    long v = varint(pos);
                    out.add(new int[] {number, 0, (int) v, (int) (v >>> 32), at, pos[0]});
                }
                case 1 -> {
                    out.add(new int[] {number, 1, pos[0], pos[0] + 8, at, pos[0] + 8});
                    pos[0] += 8;
                }
                case 5 -> {
                    out.add(new int[] {number, 5, pos[0], pos[0] + 4, at, pos[0] + 4});
                    pos[0] += 4;
                }
                case 2 -> {
                    int n = (int) varint(pos);
                    out.add(new int[] {number, 2, pos[0], pos[0] + n, at, pos[0] + n});
                    pos[0] += n;
                }
                default -> throw new IllegalArgumentException("wire type " + wire + " at " + pos[0]);
            }
        }
        return out;
    }

    private long varint(int[] pos) {
        long r = 0;
        int shift = 0;
        while (true) {
            int c = bytes[pos[0]++] & 0xff;
            r |= (long) (c & 0x7f) << shift;
            shift += 7;
            if (c < 0x80) {
                return r;
            }
        }
    }
}
