package dev.sluice.tune;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sluice.embed.OnnxInitializers;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

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
        try (NDManager manager = NDManager.newBaseManager()) {
            MiniLmEncoder enc = new MiniLmEncoder(new OnnxInitializers(model), manager);
            NDArray wa = manager.create(new float[384], new Shape(384, 1));
            NDArray ba = manager.zeros(new Shape(1));
            Train.load(Path.of(args[0]), enc, wa, ba);
            float b = ba.getFloat();
            for (int a = 1; a < args.length; a++) {
                long[][] ids = {tokenizer.encode((String) fold.invoke(null, args[a])).getIds()};
                NDArray m = MiniLmEncoder.mask(manager, ids, ids[0].length);
                float z = MiniLmEncoder.meanPool(enc.forward(enc.embed(manager, ids, ids[0].length), m), m).matMul(wa).getFloat() + b;
                System.out.printf("%.6f\t%s%n", 1 / (1 + Math.exp(-z)), args[a]);
            }
        }
    }
}
