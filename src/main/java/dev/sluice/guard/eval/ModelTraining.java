package dev.sluice.guard.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.guard.Direction;
import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.injection.InjectionScanner;
import dev.sluice.guard.ngram.LinearTextModel;
import dev.sluice.guard.ngram.LinearTextTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Recipes for the shipped n-gram models: which rows train them, and how the operating point is
 * chosen on the validation split (never on test). {@code sluice guard train-model} runs them and
 * writes the resources; {@code sluice guard eval} measures the result.
 */
public final class ModelTraining {
    /** The highest false-positive rate allowed on any validation source when picking the operating point. */
    public static final double VAL_MAX_FPR = 0.01;
    /**
     * The false-positive limits for documents' sentences, on the benign val documents not already
     * flagged: pooled, and per source (sources under {@link #MIN_GROUP} rows pooled). With about 200
     * benign val documents the user-turn limits (0.5% / 1%) leave no room at all: one benign code line
     * ({@code response = requests.get(url, proxies=proxies, headers=headers)}, 0.9999) would set the
     * point. Chosen on val (session 5): at 1% / 2% val document recall 53.7% -> 82.1%, val document
     * false positives 1 -> 2 of 217; looser limits gained nothing more on val.
     */
    static final double SENTENCE_MAX_FPR = 0.01;
    static final double SENTENCE_MAX_SOURCE_FPR = 0.02;
    /** Sources with fewer benign validation rows than this are pooled into one group (one text would be 8%). */
    public static final int MIN_GROUP = 100;

    private ModelTraining() {}

    /** The data rows of a task: public rows, plus the repo's authored injection sets for injection. */
    public static List<PublicSets.Row> rows(Path data, String task) {
        List<PublicSets.Row> rows = new ArrayList<>(PublicSets.read(data, task));
        if (task.equals("injection")) {
            rows.addAll(PublicSets.authoredInjection());
        }
        return rows;
    }

    /**
     * Documents pasted into user turns ({@code tools/guard-data/public_sets.py}, session 18): BIPIA contexts and M-IFEval
     * responses sent as the user message, alone or with a request, clean and with an inserted attack. Evaluated by
     * {@code sluice guard eval-public}; no shipped recipe trains on them or chooses a point with them (session 18 found
     * no candidate that met its rule on val: README, run s18-L1), so the shipped models retrain bit for bit from the
     * data with them.
     */
    public static final Set<String> PASTED_USER_SOURCES = Set.of("bipia:user_paste", "bipia:user_request",
            "mifeval:user_paste", "mifeval:user_request");

    /** {@link #rows} for the injection recipes: without {@link #PASTED_USER_SOURCES}. */
    public static List<PublicSets.Row> recipeRows(Path data) {
        return rows(data, "injection").stream().filter(r -> !PASTED_USER_SOURCES.contains(r.source())).toList();
    }

    /**
     * Trains on the train split, then picks the lowest operating point whose false-positive rate,
     * together with the detectors that run beside the model ({@code alongside}, e.g. the rules),
     * is at most {@link #VAL_MAX_FPR} on every benign source of the validation split.
     */
    public static LinearTextModel train(List<PublicSets.Row> rows, Predicate<PublicSets.Row> positive,
                                        Predicate<PublicSets.Row> alongside, String description,
                                        LinearTextTrainer.Settings settings) {
        return train(rows, positive, alongside, description, settings, VAL_MAX_FPR);
    }

    /** As above, with the highest false-positive rate allowed on any benign validation source. */
    public static LinearTextModel train(List<PublicSets.Row> rows, Predicate<PublicSets.Row> positive,
                                        Predicate<PublicSets.Row> alongside, String description,
                                        LinearTextTrainer.Settings settings, double maxFpr) {
        return train(rows, positive, alongside, description, settings, maxFpr, maxFpr);
    }

    /**
     * As above: at most {@code maxFpr} over the benign validation rows pooled and at most
     * {@code maxGroupFpr} on any one benign source (sources under {@link #MIN_GROUP} rows pooled).
     */
    public static LinearTextModel train(List<PublicSets.Row> rows, Predicate<PublicSets.Row> positive,
                                        Predicate<PublicSets.Row> alongside, String description,
                                        LinearTextTrainer.Settings settings, double maxFpr, double maxGroupFpr) {
        List<LinearTextTrainer.Example> train = new ArrayList<>();
        for (PublicSets.Row r : rows) {
            if (r.split().equals("train")) {
                train.add(new LinearTextTrainer.Example(r.text(), positive.test(r), 1));
            }
        }
        ObjectNode header = Json.object();
        header.put("model", description);
        header.put("trained_on", "train split of tools/guard-data/public_sets.py output (+ the repo's authored train split for injection)");
        LinearTextModel model = LinearTextTrainer.train(train, settings, header);
        ObjectNode extra = Json.object();
        double op = operatingPoint(rows, positive, alongside, model, "user", maxFpr, maxGroupFpr, extra, "");
        ObjectNode docs = Json.object();
        double docOp = operatingPoint(rows, positive, alongside, model, "document", maxFpr, maxGroupFpr, docs, "document_");
        extra.setAll(docs);
        extra.put("document_operating_point", docOp);
        LinearTextModel withDocOp = model.withOperatingPoint(op, extra);
        extra.put("document_sentence_operating_point",
                sentenceOperatingPoint(rows, positive, alongside, withDocOp, SENTENCE_MAX_FPR, SENTENCE_MAX_SOURCE_FPR, extra));
        extra.put("operating_point_rule", "lowest probability with FPR <= " + maxFpr + " on the benign rows of the val split"
                + " pooled and <= " + maxGroupFpr + " on every benign source of it (sources under " + MIN_GROUP
                + " rows pooled), counting the detectors that run beside it; chosen apart for user turns (operating_point)"
                + " and for documents and tool results (document_operating_point); documents' sentences: document_sentence_rule");
        return model.withOperatingPoint(op, extra);
    }

    /** The operating point on the benign val rows of one channel ({@code user}: everything but documents). */
    private static double operatingPoint(List<PublicSets.Row> rows, Predicate<PublicSets.Row> positive,
                                         Predicate<PublicSets.Row> alongside, LinearTextModel model, String channel,
                                         double maxFpr, double maxGroupFpr, ObjectNode extra, String prefix) {
        Map<String, List<double[]>> benign = new LinkedHashMap<>();
        int valPos = 0;
        for (PublicSets.Row r : rows) {
            boolean document = r.channel().equals("document");
            if (!r.split().equals("val") || document != channel.equals("document")) {
                continue;
            }
            if (positive.test(r)) {
                valPos++;
                continue;
            }
            benign.computeIfAbsent(r.source(), k -> new ArrayList<>())
                    .add(new double[] {model.probability(r.text()), alongside.test(r) ? 1 : 0});
        }
        List<double[][]> groups = groups(benign);
        extra.put(prefix + "val_benign_sources", String.join(", ", benign.keySet()));
        extra.put(prefix + "val_positives", valPos);
        return LinearTextTrainer.operatingPoint(groups, maxFpr, maxGroupFpr);
    }

    /**
     * The operating point of documents' sentences ({@link LinearTextModel#scoreDocument}): the lowest
     * sentence probability at which the benign val documents not already flagged (by the detectors
     * beside the model or by the model's windows at the document operating point, false positives
     * whatever this point) stay within the same false-positive limits, so sentences add at most
     * that much to the documents' false positives.
     */
    private static double sentenceOperatingPoint(List<PublicSets.Row> rows, Predicate<PublicSets.Row> positive,
                                                 Predicate<PublicSets.Row> alongside, LinearTextModel model,
                                                 double maxFpr, double maxGroupFpr, ObjectNode extra) {
        Map<String, List<double[]>> benign = new LinkedHashMap<>();
        int already = 0;
        for (PublicSets.Row r : rows) {
            if (!r.split().equals("val") || !r.channel().equals("document") || positive.test(r)) {
                continue;
            }
            double[] p = model.documentProbabilities(r.text());
            if (alongside.test(r) || p[0] >= model.documentOperatingPoint()) {
                already++;
                continue;
            }
            benign.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(new double[] {Double.isNaN(p[1]) ? 0 : p[1], 0});
        }
        extra.put("document_sentence_val_benign_already_flagged", already);
        extra.put("document_sentence_rule", "lowest sentence probability with FPR <= " + maxFpr + " pooled and <= "
                + maxGroupFpr + " per source on the benign val documents the rules and windows do not already flag");
        return LinearTextTrainer.operatingPoint(groups(benign), maxFpr, maxGroupFpr, 1);
    }

    /** Benign val sources as groups, those under {@link #MIN_GROUP} rows pooled into one. */
    static List<double[][]> groups(Map<String, List<double[]>> benign) {
        List<double[][]> groups = new ArrayList<>();
        List<double[]> small = new ArrayList<>();
        for (List<double[]> l : benign.values()) {
            if (l.size() < MIN_GROUP) {
                small.addAll(l);
            } else {
                groups.add(l.toArray(new double[0][]));
            }
        }
        if (!small.isEmpty()) {
            groups.add(small.toArray(new double[0][]));
        }
        return groups;
    }

    /** Toxicity heads: which labels are positive for each. */
    public static boolean toxicityLabel(String head, PublicSets.Row r) {
        return head.equals("hate") ? r.label().equals("hate") : !r.label().equals("none");
    }

    /**
     * A toxicity head: trained on the train split; its operating point maximises F1 on the val
     * split among the points whose false-positive rate on ordinary prompts (the injection task's
     * benign val queries) is at most {@link #VAL_MAX_FPR}, so everyday requests are not flagged.
     */
    public static LinearTextModel trainToxicity(Path data, String head, LinearTextTrainer.Settings settings) {
        List<PublicSets.Row> rows = PublicSets.read(data, "toxicity");
        Predicate<PublicSets.Row> positive = r -> toxicityLabel(head, r);
        List<LinearTextTrainer.Example> train = new ArrayList<>();
        for (PublicSets.Row r : rows) {
            if (r.split().equals("train")) {
                train.add(new LinearTextTrainer.Example(r.text(), positive.test(r), 1));
            }
        }
        ObjectNode header = Json.object();
        header.put("model", "toxicity (" + head + "): logistic regression on hashed word/char n-grams (dev.sluice.guard.ngram)");
        header.put("trained_on", "train split of the toxicity rows of tools/guard-data/public_sets.py output");
        LinearTextModel model = LinearTextTrainer.train(train, settings, header);
        List<double[]> val = new ArrayList<>();
        for (PublicSets.Row r : rows) {
            if (r.split().equals("val")) {
                val.add(new double[] {model.probability(r.text()), positive.test(r) ? 1 : 0});
            }
        }
        List<Double> ordinary = new ArrayList<>();
        for (PublicSets.Row r : PublicSets.read(data, "injection")) {
            if (r.split().equals("val") && r.label().equals("benign") && r.source().startsWith("halueval")) {
                ordinary.add(model.probability(r.text()));
            }
        }
        double bestOp = 0.999;
        double bestF1 = -1;
        for (int i = 1; i < 200; i++) {
            double op = i / 200.0;
            long fpOrdinary = ordinary.stream().filter(p -> p >= op).count();
            if (fpOrdinary > VAL_MAX_FPR * ordinary.size()) {
                continue;
            }
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (double[] v : val) {
                boolean hit = v[0] >= op;
                if (hit && v[1] > 0) {
                    tp++;
                } else if (hit) {
                    fp++;
                } else if (v[1] > 0) {
                    fn++;
                }
            }
            double f1 = 2.0 * tp / Math.max(1, 2 * tp + fp + fn);
            if (f1 > bestF1) {
                bestF1 = f1;
                bestOp = op;
            }
        }
        ObjectNode extra = Json.object();
        extra.put("operating_point_rule", "max F1 on the val split with FPR <= " + VAL_MAX_FPR
                + " on ordinary prompts (HaluEval queries, val split)");
        extra.put("val_f1", Math.round(bestF1 * 1000) / 1000.0);
        return model.withOperatingPoint(bestOp, extra);
    }

    public static boolean injectionLabel(PublicSets.Row r) {
        return r.label().equals("injection");
    }

    /** The rule-based injection score of a row, scanned as the gateway would (documents as context). */
    public static double rulesScore(PublicSets.Row r) {
        return maxScore(new InjectionScanner(true, null, null), r);
    }

    public static double maxScore(InjectionScanner scanner, PublicSets.Row r) {
        return maxScore(scanner, r.text(), r.channel());
    }

    /** The highest score a scanner gives a text on the input side: a {@code document} as context, else a user turn. */
    public static double maxScore(dev.sluice.guard.Scanner scanner, String text, String channel) {
        String role = channel.equals("document") ? "context" : "user";
        double s = 0;
        for (Finding f : scanner.scan(text, ScanContext.of(Direction.INPUT, role))) {
            s = Math.max(s, f.score());
        }
        return s;
    }

    public static LinearTextModel trainInjection(Path data, LinearTextTrainer.Settings settings) {
        return trainInjection(data, settings, VAL_MAX_FPR);
    }

    public static LinearTextModel trainInjection(Path data, LinearTextTrainer.Settings settings, double maxFpr) {
        return trainInjection(data, settings, maxFpr, maxFpr);
    }

    public static LinearTextModel trainInjection(Path data, LinearTextTrainer.Settings settings, double maxFpr,
                                                 double maxGroupFpr) {
        List<PublicSets.Row> rows = recipeRows(data).stream()
                .filter(r -> !DOCUMENT_ONLY_SOURCES.contains(r.source())).toList();
        return train(rows, ModelTraining::injectionLabel, r -> rulesScore(r) >= 0.5,
                "prompt injection, user turns: logistic regression on hashed word/char n-grams"
                        + (settings.acts() ? " and act features" : "") + " (dev.sluice.guard.ngram)", settings, maxFpr, maxGroupFpr);
    }

    /**
     * Benign sources of requests sent as user turns (short ones, and ones with answer-format constraints
     * such as "wrap your answer in JSON"), which the document model does not learn from: inside a document
     * or a tool result an ordinary request addressed to the assistant is what an indirect injection looks like. Chosen in session 7: trained on them, the one shared model lost
     * BIPIA's test documents (51.5% -> 43.0%, run s7-1, a test result) while val documents hardly moved.
     */
    public static final Set<String> USER_TURN_ONLY_SOURCES = Set.of("clinc150:queries", "self-instruct:user_oriented",
            "ifeval:format_requests");

    /**
     * Sources only the document model learns from (session 12): LLM responses as benign documents and, in the train
     * split, the same responses with a train attack inserted ({@code tools/guard-data/public_sets.py}). The user-turn
     * model does not see them, so its weights and operating points stay what they were without these rows.
     */
    public static final Set<String> DOCUMENT_ONLY_SOURCES = Set.of("mifeval:responses", "mifeval:responses+attack",
            "mifeval:responses+val_attack");

    /**
     * The model for tool results and context documents: trained as {@link #trainInjection} but without
     * {@link #USER_TURN_ONLY_SOURCES}; its document operating points (windows, sentences) are what count.
     */
    public static LinearTextModel trainInjectionDocuments(Path data, LinearTextTrainer.Settings settings, double maxFpr,
                                                          double maxGroupFpr) {
        List<PublicSets.Row> rows = recipeRows(data).stream()
                .filter(r -> !USER_TURN_ONLY_SOURCES.contains(r.source())).toList();
        return train(rows, ModelTraining::injectionLabel, r -> rulesScore(r) >= 0.5,
                "prompt injection, documents and tool results: logistic regression on hashed word/char n-grams"
                        + (settings.acts() ? " and act features" : "") + " (dev.sluice.guard.ngram), without "
                        + String.join(", ", new java.util.TreeSet<>(USER_TURN_ONLY_SOURCES)), settings, maxFpr, maxGroupFpr);
    }

    /** Scores rows with one function (for reports). */
    public static Predicate<PublicSets.Row> at(ToDoubleFunction<PublicSets.Row> score, double threshold) {
        return r -> score.applyAsDouble(r) >= threshold;
    }
}
