package dev.sluice.guard.injection;

import dev.sluice.config.OptionsSchema;
import dev.sluice.guard.Direction;
import dev.sluice.guard.ScannerType;
import java.util.List;
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
     * @param head       user turns the n-gram model is unsure of are also read by the embedding head ({@link InjectionCascade})
     * @param classifier also score with the embedding classifier
     * @param tuned      as {@code head}, with all-MiniLM-L6-v2 fine-tuned as the classifier ({@link TunedInjectionEncoder})
     *                   instead of the frozen embeddings' logistic head; wins over {@code head}
     * @param tunedDocuments tool results and context documents through the documents' cascade: s12-1's document model and,
     *                   from its band, all-MiniLM-L6-v2 fine-tuned on documents ({@link InjectionCascade#loadTunedDocuments})
     * @param readerPrecision how the fine-tuned readers of {@code tuned} and {@code tuned_documents} run: {@code int8}
     *                   (the default since session 16: the tuned graph dynamically quantized at load time, ~44% less CPU a
     *                   window, val decisions within one of fp32's; bench/README) or {@code fp32} (as trained)
     */
    public record Options(boolean heuristics, boolean model, boolean modelDocuments, boolean head, boolean classifier,
                          boolean tuned, boolean tunedDocuments, TunedInjectionEncoder.Precision readerPrecision) {}

    /**
     * The fine-tuned readers' precision when a policy does not say: int8 (session 16, chosen on val: the documents'
     * cascade found 511 of 689 public val document attacks at 11 of 630 benign flagged, fp32 512 at 11; the user-turn
     * cascade every attack fp32 found at one more benign val prompt flagged; test run s16-1 in the README).
     */
    static final TunedInjectionEncoder.Precision DEFAULT_READER_PRECISION = TunedInjectionEncoder.Precision.INT8;

    /**
     * Whether documents and tool results go through the documents' cascade when a policy does not say: off (opt-in).
     * Run s17-1 (README): BIPIA's test injections 103 -> 139 of 200, benign M-IFEval responses 37 -> 3 of 444, pooled
     * 81.8% of 1,495 attacks at 0.7% of 4,667 benign (the n-gram models alone 79.4% / 1.44%); chosen on val; the demo,
     * drift, product prompt and evaluation-target tests pass with it on. Its cost: for a document whose document-model
     * score reaches the band (0.2; 32% of benign val documents) a MiniLM pass (int8, ~5-13 ms of CPU) on each of its
     * windows whose own score reaches the band, at most 3 (session 17, {@link InjectionCascade#documentReader}); at
     * most {@code guardrails.reader_slots} readings at once, a reading that cannot end within the scan budget skipped
     * (the n-gram verdict stands). Session 15's cost rule ("added CPU <= 40 ms a request on the bench mix, c=16 req/s
     * >= 70% of off's") held in session 17 at load 1.8-6.2 (78-79%, +12-13 ms), not at 6.3-8.4 (56% with the scan
     * before the call, 76% in parallel). Not the default because of memory: the reader's model added ~100 MiB of RSS once
     * it loaded, and the demo's configuration (every feature on; its tool result is in the band) then idled at 451 MiB
     * against issue 15's 400 MiB (349 without it; bench/README.md, session 17). Since session 18 (embedding tables shared
     * with the embedder, a full collection after the load) it adds ~30: 389-398 MiB against 355-371, under 400 but not
     * with the margin (380) asked for before it is the default.
     */
    static final boolean DEFAULT_TUNED_DOCUMENTS = false;

    /**
     * Whether user turns go through the fine-tuned encoder's cascade when a policy does not say: off. Run s9-1 (README):
     * 83.6% of 1,495 public test attacks at 0.57% of 4,223 benign texts (default 79.4% / 0.71%, head 81.9% / 0.66%),
     * but 8 of the authored held-out split's 130 benign prompts flagged (6.2%, over issue 8's 5%). Like the head, it
     * costs a MiniLM pass per window of the user turns in the n-gram band (~260-360 ms of CPU for a 4 KB prompt).
     */
    static final boolean DEFAULT_TUNED = false;

    /**
     * Whether user turns go through the cascade when a policy does not say: off. On the public test split it
     * finds more attacks at fewer false positives than the n-gram model alone (run s8-2: 81.9% vs 79.4% of
     * 1,495 attacks, 0.66% vs 0.71% of 4,223 benign texts), but it flags one more of the authored held-out
     * split's benign prompts (7/130 = 5.4%, over issue 8's 5%), so it is opt-in ({@code head: true}). It loads
     * the embedder on the first user turn whose n-gram probability reaches the band.
     */
    static final boolean DEFAULT_HEAD = false;

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
                    new OptionsSchema<>(Options.class, Set.of("heuristics", "model", "model_documents", "head", "classifier", "tuned",
                            "tuned_documents", "reader_precision"),
                            node -> new Options(node.bool("heuristics", true), node.bool("model", DEFAULT_MODEL),
                                    node.bool("model_documents", DEFAULT_MODEL_DOCUMENTS), node.bool("head", DEFAULT_HEAD),
                                    node.bool("classifier", false), node.bool("tuned", DEFAULT_TUNED),
                                    node.bool("tuned_documents", DEFAULT_TUNED_DOCUMENTS),
                                    TunedInjectionEncoder.Precision.valueOf(node.choice("reader_precision",
                                            DEFAULT_READER_PRECISION.name().toLowerCase(java.util.Locale.ROOT),
                                            List.of("int8", "fp32"), "reader precision").toUpperCase(java.util.Locale.ROOT)))),
                    (options, resources) -> new InjectionScanner(options.heuristics(),
                            options.model() ? resources.lazy(InjectionModel.RESOURCE, InjectionModel::load) : null,
                            !options.model() || !options.modelDocuments() ? null
                                    : options.tunedDocuments()
                                    ? resources.lazy(InjectionModel.TUNED_DOCUMENTS_RESOURCE, InjectionModel::loadTunedDocuments)
                                    : resources.lazy(InjectionModel.DOCUMENTS_RESOURCE, InjectionModel::loadDocuments),
                            options.model() && options.tuned()
                                    ? resources.lazy(InjectionCascade.TUNED_RESOURCE + ":" + options.readerPrecision(),
                                            () -> InjectionCascade.loadTuned(
                                            resources.lazy(InjectionModel.RESOURCE, InjectionModel::load).get(),
                                            TunedInjectionEncoder.load(options.readerPrecision())))
                                    : options.model() && options.head()
                                    ? resources.lazy(InjectionCascade.class, () -> InjectionCascade.load(
                                            resources.lazy(InjectionModel.RESOURCE, InjectionModel::load).get(), resources.embedder().get()))
                                    : null,
                            options.model() && options.modelDocuments() && options.tunedDocuments()
                                    ? resources.lazy(InjectionCascade.TUNED_DOCUMENTS_RESOURCE + ":" + options.readerPrecision(),
                                            () -> InjectionCascade.loadTunedDocuments(
                                            resources.lazy(InjectionModel.TUNED_DOCUMENTS_RESOURCE, InjectionModel::loadTunedDocuments).get(),
                                            // the reader loads when a document first reaches the band, not on the first document
                                            resources.lazy(TunedInjectionEncoder.DOCUMENT_WEIGHTS + ":" + options.readerPrecision(),
                                                    () -> TunedInjectionEncoder.loadDocuments(options.readerPrecision()))))
                                    : null,
                            options.classifier()
                            ? resources.lazy(InjectionClassifier.class, () -> InjectionClassifier.load(resources.embedder().get()))
                            : null))
            .on(Direction.INPUT)
            .blocks(types -> "it looks like a prompt injection");
}
