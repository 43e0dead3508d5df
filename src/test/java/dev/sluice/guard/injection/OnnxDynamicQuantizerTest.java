package dev.sluice.guard.injection;

import dev.sluice.embed.OnnxInitializers;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Dynamic int8 quantization of LangChain4j's all-MiniLM-L6-v2 graph, in memory (the int8 reader's base). */
class OnnxDynamicQuantizerTest {
    @Test
    @DisplayName("every weight MatMul of the MiniLM graph is quantized, the rest copied; ONNX Runtime runs the result and its"
            + " hidden states follow fp32's")
    void quantizesMiniLm() throws Exception {
        byte[] fp32;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            fp32 = in.readAllBytes();
        }
        assertThat(OnnxDynamicQuantizer.quantizableMatMuls(fp32)).isEqualTo(36);   // Q, K, V, out, up, down x 6 layers
        byte[] int8 = OnnxDynamicQuantizer.quantize(fp32);
        assertThat(OnnxDynamicQuantizer.quantizableMatMuls(int8)).isZero();
        OnnxInitializers q = new OnnxInitializers(int8);
        OnnxInitializers.Tensor w = q.initializers.get("onnx::MatMul_787_int8_quantized");
        assertThat(w.dataType()).isEqualTo(3);   // int8, [384, 384], per-column scales, zero points 0
        assertThat(w.dims()).containsExactly(384, 384);
        assertThat(q.floats("onnx::MatMul_787_int8_scale")).hasSize(384);
        assertThat(q.initializers).doesNotContainKey("onnx::MatMul_787");
        // the weights' bytes went from 4 to 1 (+ scales): the embeddings (fp32, 46.9 MB) are most of what is left
        assertThat(int8.length).isLessThan(fp32.length * 2 / 3);
        float[][][] a = hidden(fp32);
        float[][][] b = hidden(int8);
        double dot = 0, na = 0, nb = 0;
        for (int t = 0; t < a[0].length; t++) {
            for (int h = 0; h < a[0][t].length; h++) {
                dot += a[0][t][h] * b[0][t][h];
                na += a[0][t][h] * a[0][t][h];
                nb += b[0][t][h] * b[0][t][h];
            }
        }
        assertThat(dot / Math.sqrt(na * nb)).isGreaterThan(0.98);
    }

    private static float[][][] hidden(byte[] model) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[][] ids = {{101, 7592, 2088, 1010, 2023, 2003, 1037, 3231, 6251, 1012, 102}};
        long[][] mask = new long[1][ids[0].length];
        java.util.Arrays.fill(mask[0], 1);
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, o); OnnxTensor i = OnnxTensor.createTensor(env, ids);
                 OnnxTensor m = OnnxTensor.createTensor(env, mask); OnnxTensor c = OnnxTensor.createTensor(env, new long[1][ids[0].length]);
                 OrtSession.Result r = s.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", c))) {
                return (float[][][]) r.get(0).getValue();
            }
        }
    }
}
