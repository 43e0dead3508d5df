package dev.sluice.guard.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.guard.injection.InjectionCascade;
import dev.sluice.guard.injection.TunedInjectionEncoder;
import dev.sluice.guard.ngram.LinearTextModel;
import dev.sluice.guard.ngram.LinearTextTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The cascade settings for the fine-tuned encoder ({@code tuned: true}): the encoder itself is trained by
 * {@code tools/guard-tune} (DJL, training only); here, on the validation split only, the n-gram weight of the
 * log-odds combination and the band (the n-gram probability from which the encoder reads a text) are picked
 * among {@link #NGRAM_WEIGHTS} and {@link #BANDS} (the most val user-turn attacks found, rules counted; ties to
 * the larger band, which costs less, then the larger n-gram weight), each with its operating point by the
 * head's rule: the lowest combined probability with at most {@value HeadTraining#VAL_MAX_FPR} of the benign val
 * user turns flagged pooled and {@value HeadTraining#VAL_MAX_SOURCE_FPR} per source.
 */
public final class TunedTraining {
    static final double[] NGRAM_WEIGHTS = {0.7, 0.5, 0.3};
    /** 0.2 is the head's band (2.4% of benign val prompts reach the encoder); 0 sends every user turn to it. */
    static final double[] BANDS = {0.2, 0.05, 0.0};

    private TunedTraining() {}

    public static ObjectNode choose(Path data, LinearTextModel model, TunedInjectionEncoder encoder, Consumer<String> log) {
        List<PublicSets.Row> benignRows = new ArrayList<>();
        List<PublicSets.Row> attacks = new ArrayList<>();
        for (PublicSets.Row r : ModelTraining.recipeRows(data)) {
            if (r.split().equals("val") && !r.channel().equals("document")) {
                (ModelTraining.injectionLabel(r) ? attacks : benignRows).add(r);
            }
        }
        Map<PublicSets.Row, Boolean> rules = new java.util.IdentityHashMap<>();
        for (PublicSets.Row r : benignRows) {
            rules.put(r, ModelTraining.rulesScore(r) >= 0.5);
        }
        for (PublicSets.Row r : attacks) {
            rules.put(r, ModelTraining.rulesScore(r) >= 0.5);
        }
        Map<String, Double> memo = new java.util.HashMap<>();
        InjectionCascade.Reader reader = text -> memo.computeIfAbsent(text, encoder::rawScore);
        ObjectNode best = null;
        int bestFound = -1;
        for (double band : BANDS) {
        for (double weight : NGRAM_WEIGHTS) {
            InjectionCascade c = new InjectionCascade(model, reader, weight, band, 0.5);
            Map<String, List<double[]>> benign = new LinkedHashMap<>();
            for (PublicSets.Row r : benignRows) {
                benign.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(
                        new double[] {c.probability(r.text()), rules.get(r) ? 1 : 0});
            }
            double op = LinearTextTrainer.operatingPoint(ModelTraining.groups(benign), HeadTraining.VAL_MAX_FPR,
                    HeadTraining.VAL_MAX_SOURCE_FPR);
            int found = 0;
            for (PublicSets.Row r : attacks) {
                found += rules.get(r) || c.probability(r.text()) >= op ? 1 : 0;
            }
            int flagged = 0;
            for (PublicSets.Row r : benignRows) {
                flagged += rules.get(r) || c.probability(r.text()) >= op ? 1 : 0;
            }
            log.accept(String.format(java.util.Locale.ROOT, "band %.2f, n-gram weight %.1f: operating point %.4f, val user turns: %d of %d"
                    + " attacks, %d of %d benign flagged (%d texts read by the encoder so far)", band, weight, op, found, attacks.size(),
                    flagged, benignRows.size(), memo.size()));
            if (found > bestFound) {
                bestFound = found;
                best = Json.object();
                best.put("model", "prompt injection, user turns: n-gram model, and for texts whose n-gram probability reaches the band"
                        + " all-MiniLM-L6-v2 fine-tuned as a classifier (tools/guard-tune), combined in log-odds"
                        + " (dev.sluice.guard.injection.InjectionCascade, TunedInjectionEncoder)");
                best.put("encoder", encoder.header());
                best.put("operating_point_rule", "band among 0.2/0.05/0 and n-gram weight among 0.7/0.5/0.3 by val attacks found;"
                        + " lowest combined probability"
                        + " with FPR <= " + HeadTraining.VAL_MAX_FPR + " on the benign user turns of the val split pooled and <= "
                        + HeadTraining.VAL_MAX_SOURCE_FPR + " per source, counting the rules");
                best.put("val_attacks_found", found + "/" + attacks.size());
                best.put("val_benign_flagged", flagged + "/" + benignRows.size());
                best.put("ngram_weight", weight);
                best.put("band", band);
                best.put("operating_point", op);
            }
        }
        }
        return best;
    }
}
