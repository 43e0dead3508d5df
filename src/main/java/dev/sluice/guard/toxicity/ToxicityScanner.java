package dev.sluice.guard.toxicity;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Toxic language. The default is a lexicon ({@link Lexicon}): insults, profanity, threats,
 * self-harm encouragement and dehumanising statements, each term weighted, with spans, so the
 * offending words can be masked. With a configured ONNX model ({@link OnnxTextClassifier}) the
 * model's score is used as well and the higher one counts.
 */
public final class ToxicityScanner implements Scanner.Masking {
    private final Lexicon lexicon;
    private final OnnxTextClassifier model;

    public ToxicityScanner(Lexicon lexicon, OnnxTextClassifier model) {
        this.lexicon = lexicon;
        this.model = model;
    }

    @Override
    public String name() {
        return "toxicity";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = new ArrayList<>(lexicon.find(text));
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
