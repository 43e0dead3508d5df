package dev.sluice.guard.toxicity;

import dev.sluice.guard.ngram.LinearTextModel;

/**
 * The shipped toxicity n-gram models, one per category (trained by
 * {@code sluice guard train-model --task toxicity-offensive|toxicity-hate}): {@code offensive}
 * (insults, profanity, abuse; any toxic label) and {@code hate} (hate speech against a group).
 */
public record ToxicityModels(LinearTextModel offensive, LinearTextModel hate) {
    public static final String OFFENSIVE = "/dev/sluice/guard/toxicity-offensive-ngram.bin.gz";
    public static final String HATE = "/dev/sluice/guard/toxicity-hate-ngram.bin.gz";

    public static ToxicityModels load() {
        return new ToxicityModels(LinearTextModel.load(OFFENSIVE), LinearTextModel.load(HATE));
    }
}
