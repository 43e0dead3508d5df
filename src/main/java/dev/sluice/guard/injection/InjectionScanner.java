package dev.sluice.guard.injection;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import dev.sluice.guard.ngram.LinearTextModel;
import java.util.List;
import java.util.function.Supplier;

/**
 * Prompt injection and jailbreak attempts in user turns, tool results and context documents
 * (indirect injection). The text is read several ways against obfuscation (see {@link Variants}),
 * scored by hand-written rules ({@link Heuristics}), by the n-gram model trained on public corpora
 * ({@link InjectionModel}, on by default: linear time, calibrated so 0.5 is the operating point
 * chosen on validation data) and, when enabled, by an embedding classifier
 * ({@link InjectionClassifier}); the highest score counts. The finding names the rules that fired
 * and whether the text was a document (indirect), never the text.
 */
public final class InjectionScanner implements Scanner {
    private final boolean heuristics;
    private final Supplier<LinearTextModel> model;
    private final Supplier<LinearTextModel> documentModel;
    private final Supplier<InjectionCascade> cascade;
    private final Supplier<InjectionCascade> documentCascade;
    private final Supplier<InjectionClassifier> classifier;

    /**
     * @param model      the n-gram model for user turns, or null for none; a supplier so it loads on first use
     * @param classifier the embedding classifier, or null for none
     */
    public InjectionScanner(boolean heuristics, Supplier<LinearTextModel> model, Supplier<InjectionClassifier> classifier) {
        this(heuristics, model, false, classifier);
    }

    /**
     * @param modelOnDocuments also run the model on tool results and context documents, scored at
     *                         the model's document operating point ({@link LinearTextModel#scoreDocument});
     *                         policies get it by default ({@code model_documents: true})
     */
    public InjectionScanner(boolean heuristics, Supplier<LinearTextModel> model, boolean modelOnDocuments,
                            Supplier<InjectionClassifier> classifier) {
        this(heuristics, model, modelOnDocuments ? model : null, classifier);
    }

    /**
     * @param model         the n-gram model for user turns, or null for none
     * @param documentModel the n-gram model for tool results and context documents, scored at its
     *                      document operating points ({@link LinearTextModel#scoreDocument}), or null
     *                      for none; the shipped pair is {@link InjectionModel#load} and {@link InjectionModel#loadDocuments}
     */
    public InjectionScanner(boolean heuristics, Supplier<LinearTextModel> model, Supplier<LinearTextModel> documentModel,
                            Supplier<InjectionClassifier> classifier) {
        this(heuristics, model, documentModel, null, classifier);
    }

    /**
     * @param cascade user turns are scored by this instead of {@code model} alone (the n-gram model, and for
     *                the uncertain ones the embedding head: {@link InjectionCascade}), or null; the shipped one is
     *                {@link InjectionCascade#load} over {@link InjectionModel#load}
     */
    public InjectionScanner(boolean heuristics, Supplier<LinearTextModel> model, Supplier<LinearTextModel> documentModel,
                            Supplier<InjectionCascade> cascade, Supplier<InjectionClassifier> classifier) {
        this(heuristics, model, documentModel, cascade, null, classifier);
    }

    /**
     * @param documentCascade tool results and context documents are scored by this instead of {@code documentModel}
     *                        alone (the document model and a second reader: {@link InjectionCascade#forDocuments};
     *                        opt-in since run s13-3: {@code tuned_documents: true}), or null
     */
    public InjectionScanner(boolean heuristics, Supplier<LinearTextModel> model, Supplier<LinearTextModel> documentModel,
                            Supplier<InjectionCascade> cascade, Supplier<InjectionCascade> documentCascade,
                            Supplier<InjectionClassifier> classifier) {
        this.heuristics = heuristics;
        this.model = model;
        this.documentModel = documentModel;
        this.cascade = cascade;
        this.documentCascade = documentCascade;
        this.classifier = classifier;
    }

    /** Rules and the shipped models for user turns and for documents: what a policy gets by default. */
    public static InjectionScanner shipped() {
        return new InjectionScanner(true, InjectionModel::load, InjectionModel::loadDocuments, null);
    }

    /** As {@link #shipped}, with user turns read through the embedding head's cascade ({@code head: true}). */
    public static InjectionScanner shippedWithHead(dev.sluice.embed.Embedder embedder) {
        LinearTextModel user = InjectionModel.load();
        InjectionCascade c = InjectionCascade.load(user, embedder);
        return new InjectionScanner(true, () -> user, InjectionModel::loadDocuments, () -> c, null);
    }

    @Override
    public String name() {
        return "prompt_injection";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        if (text.isBlank()) {
            return List.of();
        }
        double score = 0;
        String type = null;
        if (heuristics) {
            Heuristics.Result r = Heuristics.score(Variants.of(text));
            if (!r.rules().isEmpty()) {
                score = r.score();
                type = "heuristic:" + String.join("/", r.rules());
            }
        }
        boolean indirect = context.role().equals("tool") || context.role().equals("context");
        Supplier<LinearTextModel> reader = indirect ? documentModel : model;
        Supplier<InjectionCascade> twoReaders = indirect ? documentCascade : cascade;
        boolean readerSkipped = false;
        if (twoReaders != null && score < 0.99) {
            InjectionCascade.Judgement j = twoReaders.get().judge(text);
            readerSkipped = j.readerSkipped();
            if (j.score() > score) {
                score = j.score();
                type = "model";
            }
        } else if (reader != null && score < 0.99) {
            double m = indirect ? reader.get().scoreDocument(text) : reader.get().score(text);
            if (m > score) {
                score = m;
                type = "model";
            }
        }
        if (classifier != null && score < 0.99 && words(text) >= MIN_CLASSIFIED_WORDS) {
            double c = classifier.get().score(text);
            if (c > score) {
                score = c;
                type = "classifier";
            }
        }
        // the second reader could not run within the scan budget (ReaderSlots): recorded, never acting by itself
        Finding skip = readerSkipped ? Finding.whole((indirect ? "indirect:" : "") + READER_SKIPPED, 0) : null;
        if (type == null || score <= 0) {
            return skip == null ? List.of() : List.of(skip);
        }
        Finding found = Finding.whole(indirect ? "indirect:" + type : type, score);
        return skip == null ? List.of(found) : List.of(found, skip);
    }

    /** A finding's type when the cascade's second reader was skipped (see {@link dev.sluice.guard.ReaderSlots}). */
    public static final String READER_SKIPPED = "reader" + dev.sluice.guard.Inspection.SKIPPED;

    /** Replies like "ok" or "yes please" carry no instruction the rules would miss; the classifier skips them. */
    static final int MIN_CLASSIFIED_WORDS = 4;

    private static int words(String text) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < text.length() && n < MIN_CLASSIFIED_WORDS; i++) {
            boolean letter = Character.isLetter(text.charAt(i));
            if (letter && !in) {
                n++;
            }
            in = letter;
        }
        return n;
    }

    /** The rule-based score alone, for evaluation. */
    public static double heuristicScore(String text) {
        return Heuristics.score(Variants.of(text)).score();
    }
}
