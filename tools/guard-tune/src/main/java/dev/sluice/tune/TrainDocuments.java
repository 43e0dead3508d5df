package dev.sluice.tune;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.embed.OnnxInitializers;
import java.io.BufferedReader;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes all-MiniLM-L6-v2 as the reader of retrieved documents and tool results: the rows of
 * {@code documents/doc_rows.py} (train split only), read as the gateway's {@code TunedInjectionEncoder} reads a text
 * (folded, word pieces without special tokens, windows of {@value #WINDOW} every {@value #STEP}, each between [CLS]
 * and [SEP]). A benign context gives every one of its windows as a negative (a BIPIA code context's weighted
 * {@code tune.codeWeight}, default 3: its questions are part of the document; a benign M-IFEval response's
 * {@code tune.responseWeight}, default 1, so that a response's windows can be weighed against its one attacked copy);
 * a context with an inserted instruction
 * gives one positive window holding the instruction at a seeded random offset (an instruction longer than a window:
 * the window starting at it). Mean pooling + linear head, BCE, AdamW with warm-up and linear decay, seed 21, as
 * {@link Train}; {@code -Dtune.init=FILE} starts from a weights file (the user-turn reader's, s9-1).
 *
 * <p>Usage: {@code TrainDocuments ROWS OUT [epochs]}; writes OUT every 50 steps and keeps each as OUT.stepN.
 */
public final class TrainDocuments {
    static final int WINDOW = 126;
    static final int STEP = 96;
    static final int MAX_WINDOWS = 24;
    static final int BATCH = 32;
    static final float LR = Float.parseFloat(System.getProperty("tune.lr", "3e-5"));
    static final float CODE_WEIGHT = Float.parseFloat(System.getProperty("tune.codeWeight", "3"));
    /** Weight of each window of a benign M-IFEval response (session 13): see the class comment. */
    static final float RESPONSE_WEIGHT = Float.parseFloat(System.getProperty("tune.responseWeight", "1"));
    static final int MAX_STEPS = Integer.getInteger("tune.maxSteps", Integer.MAX_VALUE);
    static final String INIT = System.getProperty("tune.init", "");
    static final int RESUME = Integer.getInteger("tune.resume", 0);
    static final long SEED = 21;
    static final int WARMUP = 20;
    private static final long CLS = 101;
    private static final long SEP = 102;

    record Row(long[] ids, boolean attack, float weight) { }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path rowsFile = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Method fold = Class.forName("dev.sluice.guard.Folded").getMethod("fold", String.class);
        Path dir = Files.createTempDirectory("minilm");
        Path tok = dir.resolve("tokenizer.json");
        byte[] model;
        try (InputStream in = Train.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx");
             InputStream t = Train.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            model = in.readAllBytes();
            Files.write(tok, t.readAllBytes());
        }
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tok,
                Map.of("padding", "false", "truncation", "false", "addSpecialTokens", "false"));
        ObjectMapper json = new ObjectMapper();
        Random random = new Random(SEED);
        List<Row> rows = new ArrayList<>();
        int positives = 0;
        int contexts = 0;
        Map<String, double[]> bySource = new java.util.TreeMap<>();   // source -> windows, weight
        try (BufferedReader r = Files.newBufferedReader(rowsFile)) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode n = json.readTree(line);
                long[] before = ids(tokenizer, fold, n.path("before").asText());
                long[] insert = ids(tokenizer, fold, n.path("insert").asText());
                long[] after = ids(tokenizer, fold, n.path("after").asText());
                long[] all = new long[before.length + insert.length + after.length];
                System.arraycopy(before, 0, all, 0, before.length);
                System.arraycopy(insert, 0, all, before.length, insert.length);
                System.arraycopy(after, 0, all, before.length + insert.length, after.length);
                if (insert.length == 0) {
                    contexts++;
                    String source = n.path("source").asText();
                    float weight = switch (source) {
                        case "bipia:code" -> CODE_WEIGHT;
                        case "mifeval:responses" -> RESPONSE_WEIGHT;
                        default -> 1;
                    };
                    double[] count = bySource.computeIfAbsent("benign " + source, k -> new double[2]);
                    for (int start = 0, k = 0; k < MAX_WINDOWS; start += STEP, k++) {
                        int end = Math.min(all.length, start + WINDOW);
                        rows.add(new Row(window(all, start, end), false, weight));
                        count[0]++;
                        count[1] += weight;
                        if (end >= all.length) {
                            break;
                        }
                    }
                } else {
                    int a = before.length;
                    int len = insert.length;
                    int start;
                    if (len >= WINDOW) {
                        start = a;
                    } else {
                        int lo = Math.max(0, a + len - WINDOW);
                        int hi = a;
                        start = lo + random.nextInt(hi - lo + 1);
                    }
                    rows.add(new Row(window(all, start, Math.min(all.length, start + WINDOW)), true, 1));
                    positives++;
                    double[] count = bySource.computeIfAbsent("attack " + n.path("source").asText(), k -> new double[2]);
                    count[0]++;
                    count[1]++;
                }
            }
        }
        System.out.printf("rows %d windows (%d positive; %d benign contexts), code weight %s, response weight %s%n",
                rows.size(), positives, contexts, CODE_WEIGHT, RESPONSE_WEIGHT);
        bySource.forEach((k, v) -> System.out.printf("  %-32s %6.0f windows, weight %8.1f%n", k, v[0], v[1]));

        Engine.getInstance().setRandomSeed((int) SEED);
        OnnxInitializers onnx = new OnnxInitializers(model);
        try (NDManager manager = NDManager.newBaseManager()) {
            MiniLmEncoder enc = new MiniLmEncoder(onnx, manager);
            NDArray w = manager.randomNormal(0, 0.02f, new Shape(384, 1), DataType.FLOAT32);
            w.setRequiresGradient(true);
            NDArray b = manager.zeros(new Shape(1));
            if (!INIT.isEmpty()) {
                Train.load(Path.of(INIT), enc, w, b);
            }
            b.setRequiresGradient(true);
            List<List<Row>> batches = Train.batches(rows, epochs, BATCH, random, r -> r.ids().length);
            int total = Math.min(MAX_STEPS, batches.size());
            // -Dtune.resume=N with -Dtune.init=OUT.stepN: go on after step N of the same run (same rows, seed, batches and
            // schedule); the optimizer's moments start afresh, so its first 10 steps ramp up again.
            Tracker lr = u -> {
                int n = u + RESUME;
                float base = n < WARMUP ? LR * (n + 1) / WARMUP : LR * Math.max(0f, (float) (total - n) / (total - WARMUP));
                return RESUME > 0 && u < 10 ? base * (u + 1) / 10 : base;
            };
            Optimizer opt = Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(Train.WEIGHT_DECAY).optClipGrad(1f).build();
            long start = System.nanoTime();
            double lossSum = 0;
            int lossCount = 0;
            int skipped = 0;
            for (int step = RESUME; step < total; step++) {
                List<Row> batch = batches.get(step);
                long[][] ids = new long[batch.size()][];
                float[] y = new float[batch.size()];
                float[] weight = new float[batch.size()];
                int t = 0;
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = batch.get(i).ids();
                    y[i] = batch.get(i).attack() ? 1 : 0;
                    weight[i] = batch.get(i).weight();
                    t = Math.max(t, ids[i].length);
                }
                float loss = Train.step(manager, enc, w, b, opt, ids, y, weight, t);
                if (Float.isNaN(loss)) {
                    skipped++;
                } else {
                    lossSum += loss;
                    lossCount++;
                }
                if ((step + 1) % 10 == 0 || step + 1 == total) {
                    System.out.printf("step %d/%d loss %.4f (last 10) %.0f s, %d skipped so far%n", step + 1, total,
                            lossSum / lossCount, (System.nanoTime() - start) / 1e9, skipped);
                    lossSum = 0;
                    lossCount = 0;
                }
                if ((step + 1) % 50 == 0 || step + 1 == total) {
                    Train.write(out, enc, w, b, rows.size(), positives, 0, step + 1, total);
                    Files.copy(out, out.resolveSibling(out.getFileName() + ".step" + (step + 1)),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static long[] ids(HuggingFaceTokenizer tokenizer, Method fold, String raw) throws Exception {
        if (raw.isEmpty()) {
            return new long[0];
        }
        return tokenizer.encode((String) fold.invoke(null, raw), false, false).getIds();
    }

    private static long[] window(long[] all, int start, int end) {
        long[] w = new long[end - start + 2];
        w[0] = CLS;
        System.arraycopy(all, start, w, 1, end - start);
        w[w.length - 1] = SEP;
        return w;
    }
}
