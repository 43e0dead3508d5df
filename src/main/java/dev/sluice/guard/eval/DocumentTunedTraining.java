package dev.sluice.guard.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.guard.injection.InjectionCascade;
import dev.sluice.guard.injection.TunedInjectionEncoder;
import dev.sluice.guard.ngram.LinearTextModel;
import dev.sluice.guard.ngram.LinearTextTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The documents' cascade settings ({@link InjectionCascade#forDocuments}; run s11-1, not shipped) for a reader fine-tuned on documents by
 * {@code tools/guard-tune} (TrainDocuments), chosen on the validation split only: the document model's calibrated
 * score ({@link LinearTextModel#scoreDocument}, windows and sentences) is the n-gram reading; the band (the score
 * from which the encoder reads a document) among {@link #BANDS}, the n-gram weight of the log-odds combination among
 * {@link #NGRAM_WEIGHTS}, and whether the document model's own findings stand ({@code keep_ngram}) or can be vetoed;
 * for each, the operating point by the head's limits on the benign val documents: the lowest combined probability
 * with at most {@value HeadTraining#VAL_MAX_FPR} of them flagged pooled and {@value HeadTraining#VAL_MAX_SOURCE_FPR}
 * per source (sources under {@value ModelTraining#MIN_GROUP} rows pooled), counting the rules; keeping the document
 * model's findings, on the benign val documents the rules and the document model do not already flag (as the
 * documents' sentence point is chosen: the limits bound what the encoder adds). The most val document attacks found wins; ties to the larger band (less encoder work),
 * then the larger n-gram weight, then keeping the document model's findings.
 */
public final class DocumentTunedTraining {
    static final double[] BANDS = {0.2, 0.05, 0.0};
    static final double[] NGRAM_WEIGHTS = {0.7, 0.5, 0.3};

    private DocumentTunedTraining() {}

    /** Threads that read documents at once (each ONNX Runtime run is single-threaded; the session is thread-safe). */
    public static final int READERS = Math.max(2, Integer.getInteger("sluice.guard.readers", 3));

    /** Every text's encoder probability into {@code memo}, {@link #READERS} texts at a time. */
    public static void readAll(List<String> texts, TunedInjectionEncoder encoder, Map<String, Double> memo) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(READERS);
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (String t : new java.util.LinkedHashSet<>(texts)) {
                futures.add(pool.submit(() -> memo.put(t, encoder.rawScore(t))));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    public static ObjectNode choose(Path data, LinearTextModel documentModel, TunedInjectionEncoder encoder, Consumer<String> log) {
        List<PublicSets.Row> benignRows = new ArrayList<>();
        List<PublicSets.Row> attacks = new ArrayList<>();
        for (PublicSets.Row r : ModelTraining.rows(data, "injection")) {
            if (r.split().equals("val") && r.channel().equals("document")) {
                (ModelTraining.injectionLabel(r) ? attacks : benignRows).add(r);
            }
        }
        Map<PublicSets.Row, Boolean> rules = new IdentityHashMap<>();
        Map<PublicSets.Row, Double> ngram = new IdentityHashMap<>();
        for (List<PublicSets.Row> l : List.of(benignRows, attacks)) {
            for (PublicSets.Row r : l) {
                rules.put(r, ModelTraining.rulesScore(r) >= 0.5);
                ngram.put(r, documentModel.scoreDocument(r.text()));
            }
        }
        int ngramFound = 0;
        int ngramFlagged = 0;
        for (PublicSets.Row r : attacks) {
            ngramFound += rules.get(r) || ngram.get(r) >= 0.5 ? 1 : 0;
        }
        for (PublicSets.Row r : benignRows) {
            ngramFlagged += rules.get(r) || ngram.get(r) >= 0.5 ? 1 : 0;
        }
        log.accept(String.format(Locale.ROOT, "rules + document model (the default): val documents %d of %d attacks, %d of %d"
                + " benign flagged", ngramFound, attacks.size(), ngramFlagged, benignRows.size()));
        Map<String, Double> memo = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> texts = new ArrayList<>();
        for (List<PublicSets.Row> l : List.of(benignRows, attacks)) {
            for (PublicSets.Row r : l) {
                texts.add(r.text());
            }
        }
        readAll(texts, encoder, memo);
        log.accept(String.format(Locale.ROOT, "%d val documents read by the encoder", memo.size()));
        InjectionCascade.Reader reader = text -> memo.computeIfAbsent(text, encoder::rawScore);
        ObjectNode best = null;
        int bestFound = -1;
        for (double band : BANDS) {
            for (double weight : NGRAM_WEIGHTS) {
                for (boolean keep : new boolean[] {true, false}) {
                    InjectionCascade c = InjectionCascade.forDocuments(documentModel, reader, weight, band, 0.5, keep);
                    Map<String, List<double[]>> benign = new LinkedHashMap<>();
                    for (PublicSets.Row r : benignRows) {
                        if (keep && (rules.get(r) || ngram.get(r) >= 0.5)) {
                            continue;   // already flagged whatever the point: the limits bound what the encoder adds
                        }
                        benign.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(
                                new double[] {c.probability(r.text()), rules.get(r) ? 1 : 0});
                    }
                    double op = LinearTextTrainer.operatingPoint(ModelTraining.groups(benign), HeadTraining.VAL_MAX_FPR,
                            HeadTraining.VAL_MAX_SOURCE_FPR);
                    InjectionCascade at = InjectionCascade.forDocuments(documentModel, reader, weight, band, op, keep);
                    int found = 0;
                    for (PublicSets.Row r : attacks) {
                        found += rules.get(r) || at.score(r.text()) >= 0.5 ? 1 : 0;
                    }
                    Map<String, int[]> flaggedBySource = new LinkedHashMap<>();
                    int flagged = 0;
                    for (PublicSets.Row r : benignRows) {
                        boolean f = rules.get(r) || at.score(r.text()) >= 0.5;
                        flagged += f ? 1 : 0;
                        int[] n = flaggedBySource.computeIfAbsent(r.source(), k -> new int[2]);
                        n[0] += f ? 1 : 0;
                        n[1]++;
                    }
                    StringBuilder bySource = new StringBuilder();
                    flaggedBySource.forEach((k, v) -> bySource.append(' ').append(k).append(' ').append(v[0]).append('/').append(v[1]));
                    log.accept(String.format(Locale.ROOT, "band %.2f, n-gram weight %.1f, keep n-gram findings %s: operating point"
                            + " %.4f, val documents: %d of %d attacks, %d of %d benign flagged (%s) (%d documents read by the"
                            + " encoder so far)", band, weight, keep, op, found, attacks.size(), flagged, benignRows.size(),
                            bySource.toString().trim(), memo.size()));
                    if (found > bestFound) {
                        bestFound = found;
                        best = Json.object();
                        best.put("model", "prompt injection, documents and tool results: the document n-gram model's calibrated"
                                + " score (windows and sentences), and for documents whose score reaches the band all-MiniLM-L6-v2"
                                + " fine-tuned on documents (tools/guard-tune TrainDocuments), combined in log-odds"
                                + " (dev.sluice.guard.injection.InjectionCascade.forDocuments, TunedInjectionEncoder, DOCUMENT_MAX_WINDOWS)");
                        best.put("encoder", encoder.header());
                        best.put("operating_point_rule", "band among 0.2/0.05/0, n-gram weight among 0.7/0.5/0.3 and keep_ngram"
                                + " by val document attacks found (ties: larger band, larger weight, keep); lowest combined"
                                + " probability with FPR <= " + HeadTraining.VAL_MAX_FPR + " on the benign val documents pooled and"
                                + " <= " + HeadTraining.VAL_MAX_SOURCE_FPR + " per source (under " + ModelTraining.MIN_GROUP
                                + " rows pooled), counting the rules; with keep_ngram on the benign val documents the rules and the document"
                                + " model do not already flag");
                        best.put("val_attacks_found", found + "/" + attacks.size());
                        best.put("val_benign_flagged", flagged + "/" + benignRows.size());
                        best.put("val_default_attacks_found", ngramFound + "/" + attacks.size());
                        best.put("val_default_benign_flagged", ngramFlagged + "/" + benignRows.size());
                        best.put("ngram_weight", weight);
                        best.put("band", band);
                        best.put("keep_ngram", keep);
                        best.put("operating_point", op);
                    }
                }
            }
        }
        return best;
    }
}
