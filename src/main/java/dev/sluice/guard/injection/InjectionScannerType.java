package dev.sluice.guard.injection;

import dev.sluice.config.OptionsSchema;
import dev.sluice.guard.Direction;
import dev.sluice.guard.ScannerType;
import java.util.Set;

/** {@code prompt_injection}: the rules, and optionally the embedding classifier (loaded on first use, shared). */
public final class InjectionScannerType {
    private InjectionScannerType() {}

    /**
     * @param heuristics score with the hand-written rules
     * @param classifier also score with the embedding classifier
     */
    public record Options(boolean heuristics, boolean classifier) {}

    public static final ScannerType<Options> TYPE = ScannerType.of("prompt_injection",
                    new OptionsSchema<>(Options.class, Set.of("heuristics", "classifier"),
                            node -> new Options(node.bool("heuristics", true), node.bool("classifier", false))),
                    (options, resources) -> new InjectionScanner(options.heuristics(), options.classifier()
                            ? resources.lazy(InjectionClassifier.class, () -> InjectionClassifier.load(resources.embedder().get()))
                            : null))
            .on(Direction.INPUT)
            .blocks(types -> "it looks like a prompt injection");
}
