package dev.sluice.tune;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sluice.guard.injection.OnnxInitializers;
import java.io.DataInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Scores texts with a weights file through the DJL encoder (fp16 weights as the gateway reads them), first 126
 * word pieces, for comparing with the gateway's ONNX Runtime reader ({@code TunedInjectionEncoder}).
 * Usage: {@code Score WEIGHTS text...}
 */
public final class Score {
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Method fold = Class.forName("dev.sluice.guard.Folded").getMethod("fold", String.class);
        Path tok = Files.createTempDirectory("minilm").resolve("tokenizer.json");
        byte[] model;
        try (InputStream in = Score.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx");
             InputStream t = Score.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            model = in.readAllBytes();
            Files.write(tok, t.readAllBytes());
        }
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tok)
                .optPadding(false).optTruncation(true).optMaxLength(Train.MAX_TOKENS).build();
        try (NDManager manager = NDManager.newBaseManager();
             DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(Path.of(args[0]))))) {
            MiniLmEncoder enc = new MiniLmEncoder(new OnnxInitializers(model), manager);
            in.readUTF();
            System.out.println(in.readUTF());
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = Float.float16ToFloat(in.readShort());
                }
                enc.params.get(name).set(v);
            }
            float[] w = new float[in.readInt()];
            for (int j = 0; j < w.length; j++) {
                w[j] = in.readFloat();
            }
            float b = in.readFloat();
            NDArray wa = manager.create(w, new Shape(w.length, 1));
            for (int a = 1; a < args.length; a++) {
                long[][] ids = {tokenizer.encode((String) fold.invoke(null, args[a])).getIds()};
                NDArray m = MiniLmEncoder.mask(manager, ids, ids[0].length);
                float z = MiniLmEncoder.meanPool(enc.forward(enc.embed(manager, ids, ids[0].length), m), m).matMul(wa).getFloat() + b;
                System.out.printf("%.6f\t%s%n", 1 / (1 + Math.exp(-z)), args[a]);
            }
        }
    }
}
