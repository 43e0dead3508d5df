package dev.sluice.guard.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.guard.answer.GroundednessModel;
import dev.sluice.guard.answer.SentenceSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fits and measures the groundedness model on the public groundedness set (FaithBench): each
 * answer is judged by its least supported sentence, so training is logistic loss on the highest
 * sentence logit (full-batch gradient descent from zero, class-balanced, deterministic); the
 * operating point maximises balanced accuracy on val. The word-overlap check is the baseline.
 */
public final class GroundednessTraining {
    static final int ITERATIONS = 3000;
    static final double LEARNING_RATE = 0.5;
    static final double L2 = 1e-3;
    public static final int MIN_WORDS = 4;

    /** One answer: its label and the evidence of each judged sentence. */
    public record Answer(PublicSets.Row row, boolean hallucinated, List<double[]> sentences) {}

    private GroundednessTraining() {}

    public static List<Answer> answers(Path data) {
        List<Answer> out = new ArrayList<>();
        for (PublicSets.Row r : PublicSets.read(data, "groundedness")) {
            SentenceSupport.Context ctx = new SentenceSupport.Context(List.of(r.context()));
            List<double[]> sentences = new ArrayList<>();
            for (String s : splitSentences(r.text())) {
                double[] f = SentenceSupport.features(s, ctx, MIN_WORDS);
                if (f != null) {
                    sentences.add(f);
                }
            }
            out.add(new Answer(r, r.label().equals("hallucinated"), sentences));
        }
        return out;
    }

    static List<String> splitSentences(String text) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[.!?](?=\\s|$)|\\n").matcher(text);
        int start = 0;
        while (start < text.length()) {
            int end = m.find() ? m.end() : text.length();
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    public static GroundednessModel train(List<Answer> answers) {
        List<Answer> train = answers.stream().filter(a -> a.row().split().equals("train") && !a.sentences().isEmpty()).toList();
        int d = SentenceSupport.FEATURES.size();
        double[] w = new double[d];
        double b = 0;
        long pos = train.stream().filter(Answer::hallucinated).count();
        double wPos = train.size() / (2.0 * Math.max(1, pos));
        double wNeg = train.size() / (2.0 * Math.max(1, train.size() - pos));
        for (int it = 0; it < ITERATIONS; it++) {
            double[] g = new double[d];
            double gb = 0;
            for (Answer a : train) {
                double[] best = null;
                double bestZ = Double.NEGATIVE_INFINITY;
                for (double[] f : a.sentences()) {
                    double z = b;
                    for (int i = 0; i < d; i++) {
                        z += w[i] * f[i];
                    }
                    if (z > bestZ) {
                        bestZ = z;
                        best = f;
                    }
                }
                double err = (1 / (1 + Math.exp(-bestZ)) - (a.hallucinated() ? 1 : 0)) * (a.hallucinated() ? wPos : wNeg);
                for (int i = 0; i < d; i++) {
                    g[i] += err * best[i];
                }
                gb += err;
            }
            for (int i = 0; i < d; i++) {
                w[i] -= LEARNING_RATE * (g[i] / train.size() + L2 * w[i]);
            }
            b -= LEARNING_RATE * gb / train.size();
        }
        ObjectNode header = Json.object();
        header.put("model", "groundedness: logistic regression on sentence support evidence (dev.sluice.guard.answer.SentenceSupport)");
        header.put("trained_on", "train split of the groundedness rows (FaithBench) of tools/guard-data/public_sets.py output");
        header.put("examples", train.size());
        header.put("iterations", ITERATIONS);
        header.put("learning_rate", LEARNING_RATE);
        header.put("l2", L2);
        GroundednessModel model = new GroundednessModel(w, b, 0.5, header);
        double bestOp = 0.5;
        double bestBa = -1;
        for (int i = 1; i < 100; i++) {
            double op = i / 100.0;
            double ba = metrics(answers, "val", a -> probability(model, a) >= op)[3];
            if (ba > bestBa) {
                bestBa = ba;
                bestOp = op;
            }
        }
        header.put("operating_point_rule", "max balanced accuracy on the val split");
        header.put("val_balanced_accuracy", Math.round(bestBa * 1000) / 1000.0);
        return new GroundednessModel(w, b, bestOp, header);
    }

    /** The answer's probability of being unsupported: its least supported sentence's. */
    public static double probability(GroundednessModel m, Answer a) {
        double best = 0;
        for (double[] f : a.sentences()) {
            best = Math.max(best, m.probability(f));
        }
        return best;
    }

    /** {precision, recall, F1, balanced accuracy, n} of a detector on a split (positive = hallucinated). */
    public static double[] metrics(List<Answer> answers, String split, java.util.function.Predicate<Answer> flags) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        for (Answer a : answers) {
            if (!a.row().split().equals(split)) {
                continue;
            }
            boolean hit = flags.test(a);
            if (a.hallucinated()) {
                if (hit) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (hit) {
                fp++;
            } else {
                tn++;
            }
        }
        double p = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double r = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        double tnr = tn + fp == 0 ? 0 : (double) tn / (tn + fp);
        return new double[] {p, r, f1, (r + tnr) / 2, tp + fp + fn + tn};
    }

    public static String row(String name, double[] m) {
        return String.format(Locale.ROOT, "  %-34s n=%4d  precision %5.1f%%  recall %5.1f%%  F1 %.3f  balanced acc %5.1f%%",
                name, (int) m[4], 100 * m[0], 100 * m[1], m[2], 100 * m[3]);
    }
}
