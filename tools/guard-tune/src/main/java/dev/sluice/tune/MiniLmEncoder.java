package dev.sluice.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sluice.embed.OnnxInitializers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (BERT: 6 layers, hidden 384, 12 heads of 32, GELU, post-LayerNorm, eps 1e-12) as
 * NDArray operations on DJL's PyTorch engine, its weights read from the ONNX file the gateway ships,
 * so autograd can fine-tune them. Word, position and token-type embeddings stay frozen and are looked
 * up on the Java side (they are 12 M of the 22.7 M parameters; the tuned file replaces only the rest).
 */
final class MiniLmEncoder {
    static final int HIDDEN = 384;
    static final int HEADS = 12;
    static final int HEAD = 32;
    static final int LAYERS = 6;
    static final float EPS = 1e-12f;

    /** ONNX names of each layer's six MatMul weights, in the order Q, K, V, attention out, intermediate, output. */
    static final String[][] MATMULS = {
        {"onnx::MatMul_787", "onnx::MatMul_788", "onnx::MatMul_791", "onnx::MatMul_797", "onnx::MatMul_798", "onnx::MatMul_799"},
        {"onnx::MatMul_800", "onnx::MatMul_801", "onnx::MatMul_804", "onnx::MatMul_810", "onnx::MatMul_811", "onnx::MatMul_812"},
        {"onnx::MatMul_813", "onnx::MatMul_814", "onnx::MatMul_817", "onnx::MatMul_823", "onnx::MatMul_824", "onnx::MatMul_825"},
        {"onnx::MatMul_826", "onnx::MatMul_827", "onnx::MatMul_830", "onnx::MatMul_836", "onnx::MatMul_837", "onnx::MatMul_838"},
        {"onnx::MatMul_839", "onnx::MatMul_840", "onnx::MatMul_843", "onnx::MatMul_849", "onnx::MatMul_850", "onnx::MatMul_851"},
        {"onnx::MatMul_852", "onnx::MatMul_853", "onnx::MatMul_856", "onnx::MatMul_862", "onnx::MatMul_863", "onnx::MatMul_864"},
    };
    static final String[] BIASES = {"attention.self.query.bias", "attention.self.key.bias", "attention.self.value.bias",
        "attention.output.dense.bias", "intermediate.dense.bias", "output.dense.bias"};

    final float[] word;
    final float[] position;
    final float[] tokenType;
    /** Trainable parameters by ONNX initializer name, in a fixed order. */
    final Map<String, NDArray> params = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    MiniLmEncoder(OnnxInitializers onnx, NDManager manager) {
        word = onnx.floats("embeddings.word_embeddings.weight");
        position = onnx.floats("embeddings.position_embeddings.weight");
        tokenType = onnx.floats("embeddings.token_type_embeddings.weight");
        for (String name : trainableNames()) {
            OnnxInitializers.Tensor t = onnx.initializers.get(name);
            NDArray a = manager.create(onnx.floats(name), new Shape(t.dims()));
            a.setRequiresGradient(true);
            params.put(name, a);
            shapes.put(name, t.dims());
        }
    }

    static List<String> trainableNames() {
        List<String> names = new ArrayList<>();
        names.add("embeddings.LayerNorm.weight");
        names.add("embeddings.LayerNorm.bias");
        for (int l = 0; l < LAYERS; l++) {
            for (int k = 0; k < 6; k++) {
                names.add(MATMULS[l][k]);
                names.add("encoder.layer." + l + "." + BIASES[k]);
            }
            names.add("encoder.layer." + l + ".attention.output.LayerNorm.weight");
            names.add("encoder.layer." + l + ".attention.output.LayerNorm.bias");
            names.add("encoder.layer." + l + ".output.LayerNorm.weight");
            names.add("encoder.layer." + l + ".output.LayerNorm.bias");
        }
        return names;
    }

    /** Word + position + token-type (0) embeddings of a padded batch, [B, T, 384], no gradient. */
    NDArray embed(NDManager manager, long[][] ids, int t) {
        int b = ids.length;
        float[] out = new float[b * t * HIDDEN];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                long id = j < ids[i].length ? ids[i][j] : 0;
                int o = (i * t + j) * HIDDEN;
                int w = (int) id * HIDDEN;
                int p = j * HIDDEN;
                for (int h = 0; h < HIDDEN; h++) {
                    out[o + h] = word[w + h] + position[p + h] + tokenType[h];
                }
            }
        }
        return manager.create(out, new Shape(b, t, HIDDEN));
    }

    /** The attention mask as floats [B, T]: 1 for tokens, 0 for padding. */
    static NDArray mask(NDManager manager, long[][] ids, int t) {
        float[] m = new float[ids.length * t];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < Math.min(t, ids[i].length); j++) {
                m[i * t + j] = 1;
            }
        }
        return manager.create(m, new Shape(ids.length, t));
    }

    /** last_hidden_state, [B, T, 384], as the ONNX graph computes it. */
    NDArray forward(NDArray embeddings, NDArray mask) {
        long b = embeddings.getShape().get(0);
        long t = embeddings.getShape().get(1);
        NDArray x = layerNorm(embeddings, "embeddings.LayerNorm");
        // (1 - mask) * float.min, broadcast over heads and query positions: [B, 1, 1, T]
        NDArray bias = mask.neg().add(1).mul(-3.4028235e38f).reshape(b, 1, 1, t);
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            NDArray q = linear(x, MATMULS[l][0], p + BIASES[0]).reshape(b, t, HEADS, HEAD).transpose(0, 2, 1, 3);
            NDArray k = linear(x, MATMULS[l][1], p + BIASES[1]).reshape(b, t, HEADS, HEAD).transpose(0, 2, 3, 1);
            NDArray v = linear(x, MATMULS[l][2], p + BIASES[2]).reshape(b, t, HEADS, HEAD).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k).div((float) Math.sqrt(HEAD)).add(bias).softmax(3);
            NDArray ctx = scores.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, HIDDEN);
            NDArray attn = layerNorm(linear(ctx, MATMULS[l][3], p + BIASES[3]).add(x), p + "attention.output.LayerNorm");
            NDArray inter = linear(attn, MATMULS[l][4], p + BIASES[4]).getNDArrayInternal().gelu();
            x = layerNorm(linear(inter, MATMULS[l][5], p + BIASES[5]).add(attn), p + "output.LayerNorm");
        }
        return x;
    }

    /** Mean of the token states over the mask, [B, 384] (sentence-transformers' pooling). */
    static NDArray meanPool(NDArray hidden, NDArray mask) {
        NDArray m = mask.expandDims(2);
        return hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}));
    }

    private NDArray linear(NDArray x, String weight, String bias) {
        return x.matMul(params.get(weight)).add(params.get(bias));
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray d = x.sub(mean);
        NDArray var = d.square().mean(new int[] {-1}, true);
        return d.div(var.add(EPS).sqrt()).mul(params.get(prefix + ".weight")).add(params.get(prefix + ".bias"));
    }

    /** The current trainable weights as float arrays by ONNX name. */
    Map<String, float[]> weights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), e.getValue().toType(DataType.FLOAT32, false).toFloatArray());
        }
        return out;
    }
}
