package dev.sluice.guard.injection;

import dev.sluice.guard.ngram.LinearTextModel;

/** The shipped prompt-injection n-gram model (trained by {@code sluice guard train-model --task injection}). */
public final class InjectionModel {
    public static final String RESOURCE = "/dev/sluice/guard/injection-ngram.bin.gz";

    private InjectionModel() {}

    public static LinearTextModel load() {
        return LinearTextModel.load(RESOURCE);
    }
}
