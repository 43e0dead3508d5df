package dev.sluice.guard.injection;

import dev.sluice.config.OptionsSchema;
import dev.sluice.guard.Direction;
import dev.sluice.guard.ScannerType;
import java.util.Set;

/**
 * {@code prompt_injection}: the rules, the n-gram model (on by default) and optionally the
 * embedding classifier; models load on first use and are shared by every policy.
 */
public final class InjectionScannerType {
    private InjectionScannerType() {}

    /**
     * @param heuristics score with the hand-written rules
     * @param model      score with the n-gram model trained on public corpora ({@link InjectionModel})
     * @param modelDocuments also run the model on tool results and context documents
     * @param classifier also score with the embedding classifier
     */
    public record Options(boolean heuristics, boolean model, boolean modelDocuments, boolean classifier) {}

    /** Whether a policy gets the n-gram model when it does not say. */
    static final boolean DEFAULT_MODEL = true;
    /**
     * Whether the model also reads tool results and context documents when a policy does not say:
     * on since the model has its own operating points for documents (windows and sentences), chosen
     * on the benign documents of the validation split (2 of 217 flagged there; recall on indirect
     * injections in val documents from 0% with the rules alone to 82%, on BIPIA's test split 49.5%).
     */
    static final boolean DEFAULT_MODEL_DOCUMENTS = true;

    public static final ScannerType<Options> TYPE = ScannerType.of("prompt_injection",
                    new OptionsSchema<>(Options.class, Set.of("heuristics", "model", "model_documents", "classifier"),
                            node -> new Options(node.bool("heuristics", true), node.bool("model", DEFAULT_MODEL),
                                    node.bool("model_documents", DEFAULT_MODEL_DOCUMENTS), node.bool("classifier", false))),
                    (options, resources) -> new InjectionScanner(options.heuristics(),
                            options.model() ? resources.lazy(InjectionModel.RESOURCE, InjectionModel::load) : null,
                            options.model() && options.modelDocuments()
                                    ? resources.lazy(InjectionModel.DOCUMENTS_RESOURCE, InjectionModel::loadDocuments) : null,
                            options.classifier()
                            ? resources.lazy(InjectionClassifier.class, () -> InjectionClassifier.load(resources.embedder().get()))
                            : null))
            .on(Direction.INPUT)
            .blocks(types -> "it looks like a prompt injection");
}
