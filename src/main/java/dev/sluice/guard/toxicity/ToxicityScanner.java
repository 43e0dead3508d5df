package dev.sluice.guard.toxicity;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Toxic language. The default is a lexicon ({@link Lexicon}): insults, profanity, threats,
 * self-harm encouragement and dehumanising statements, each term weighted, with spans, so the
 * offending words can be masked. The n-gram classifiers ({@link ToxicityModels}, on by default)
 * add whole-text findings per category ({@code classifier:offensive}; {@code classifier:hate} only
 * together with it, since the hate head alone does not generalise across corpora),
 * calibrated so 0.5 is the operating point chosen on validation data. With a configured ONNX
 * model ({@link OnnxTextClassifier}) its score is used as well; the highest counts.
 */
public final class ToxicityScanner implements Scanner.Masking {
    private final Lexicon lexicon;
    private final OnnxTextClassifier model;
    private final Supplier<ToxicityModels> classifier;

    public ToxicityScanner(Lexicon lexicon, OnnxTextClassifier model) {
        this(lexicon, model, null);
    }

    /** @param classifier the n-gram classifiers, or null for none; a supplier so they load on first use */
    public ToxicityScanner(Lexicon lexicon, OnnxTextClassifier model, Supplier<ToxicityModels> classifier) {
        this.lexicon = lexicon;
        this.model = model;
        this.classifier = classifier;
    }

    @Override
    public String name() {
        return "toxicity";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = new ArrayList<>(lexicon.find(text));
        if (classifier != null && !text.isBlank()) {
            ToxicityModels m = classifier.get();
            double offensive = m.offensive().score(text);
            double hate = m.hate().score(text);
            if (offensive >= 0.5) {
                out.add(Finding.whole("classifier:offensive", offensive));
            }
            if (offensive >= 0.5 && hate >= 0.5) { // hate is a kind of toxic language: alone, its head is too weak
                out.add(Finding.whole("classifier:hate", hate));
            }
        }
        if (model != null && !text.isBlank()) {
            OnnxTextClassifier.Score s = model.score(text);
            if (s.score() > 0) {
                out.add(Finding.whole("model:" + s.label(), s.score()));
            }
        }
        if (out.size() > 1) {
            // the combined evidence of several hits: noisy-OR, reported on a whole-text finding
            double miss = 1;
            for (Finding f : out) {
                miss *= 1 - f.score();
            }
            out.add(Finding.whole("combined", 1 - miss));
        }
        return out;
    }
}
