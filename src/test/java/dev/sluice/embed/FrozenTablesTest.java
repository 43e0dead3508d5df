package dev.sluice.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The frozen embedding tables shared by every session built on LangChain4j's all-MiniLM-L6-v2 graph. */
class FrozenTablesTest {
    private static byte[] graph() throws Exception {
        try (InputStream in = FrozenTablesTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            return in.readAllBytes();
        }
    }

    @Test
    @DisplayName("the graph's word, position and type tables are found where their float data is")
    void findsTheTables() throws Exception {
        byte[] graph = graph();
        Map<String, OnnxInitializers.Tensor> raw = new OnnxInitializers(graph).initializers;
        for (Map.Entry<String, long[]> table : FrozenTables.TABLES.entrySet()) {
            assertThat(raw.get(table.getKey()).dataType()).isEqualTo(1);
            assertThat(raw.get(table.getKey()).dims()).isEqualTo(table.getValue());
        }
        assertThat(raw.get("embeddings.word_embeddings.weight").length()).isEqualTo(30522 * 384 * 4);
        assertThat(raw.get("embeddings.position_embeddings.weight").length()).isEqualTo(512 * 384 * 4);
        assertThat(raw.get("embeddings.token_type_embeddings.weight").length()).isEqualTo(2 * 384 * 4);
        // the word table's first float, read where the locator says it is, is the one ONNX Runtime sees in the graph
        int at = raw.get("embeddings.word_embeddings.weight").offset();
        float first = java.nio.ByteBuffer.wrap(graph, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(first).isNotZero().isFinite();
        assertThat(FrozenTables.shared("embeddings.word_embeddings.weight")).isTrue();
        assertThat(FrozenTables.shared("embeddings.LayerNorm.weight")).isFalse();
        assertThatThrownBy(() -> new OnnxInitializers(new byte[] {(byte) 0x3f})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a session given the shared tables computes exactly what one with the graph's own copy does")
    void sharedTablesChangeNothing() throws Exception {
        byte[] graph = graph();
        float[][][] own = hidden(graph, false);
        float[][][] shared = hidden(graph, true);
        float[][][] again = hidden(graph, true);
        assertThat(shared).isDeepEqualTo(own);
        assertThat(again).isDeepEqualTo(own);
    }

    private static float[][][] hidden(byte[] graph, boolean share) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        // position ids run to the window's end and token types to 1, so every table is read
        long[][] ids = {{101, 7592, 2088, 1010, 2023, 2003, 1037, 3231, 6251, 1012, 102}};
        long[][] mask = new long[1][ids[0].length];
        long[][] types = new long[1][ids[0].length];
        java.util.Arrays.fill(mask[0], 1);
        java.util.Arrays.fill(types[0], 6, ids[0].length, 1);
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            if (share) {
                FrozenTables.shareWith(o, graph);
            }
            try (OrtSession s = env.createSession(graph, o); OnnxTensor i = OnnxTensor.createTensor(env, ids);
                 OnnxTensor m = OnnxTensor.createTensor(env, mask); OnnxTensor c = OnnxTensor.createTensor(env, types);
                 OrtSession.Result r = s.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", c))) {
                return (float[][][]) r.get(0).getValue();
            }
        }
    }
}
