package dev.sluice.guard.injection;

import dev.sluice.guard.ngram.LinearTextModel;

/**
 * The shipped prompt-injection n-gram models (trained by {@code sluice guard train-model --task injection}):
 * one for user turns, one for tool results and context documents. They differ in one thing, their
 * training rows: the user-turn model also learns from short benign requests ("reset to your original
 * settings", "Say hello to Ada"), which the document model does not see, because inside a retrieved
 * document or a tool result such a request addressed to the assistant is what an indirect injection
 * looks like (BIPIA's attacks are ordinary tasks: "Recommend a good book"). One linear model cannot
 * score the same sentence benign in one channel and an attack in the other.
 */
public final class InjectionModel {
    public static final String RESOURCE = "/dev/sluice/guard/injection-ngram.bin.gz";
    public static final String DOCUMENTS_RESOURCE = "/dev/sluice/guard/injection-documents-ngram.bin.gz";
    /**
     * The document model of the opt-in documents' cascade ({@code tuned_documents: true}, run s13-3): s12-1's, trained
     * also on benign LLM-written documents (M-IFEval responses) and their train copies with an inserted attack.
     */
    public static final String TUNED_DOCUMENTS_RESOURCE = "/dev/sluice/guard/injection-documents-tuned-ngram.bin.gz";

    private InjectionModel() {}

    /** The model for user turns. */
    public static LinearTextModel load() {
        return LinearTextModel.load(RESOURCE);
    }

    /** The model for tool results and context documents, scored at its document operating points. */
    public static LinearTextModel loadDocuments() {
        return LinearTextModel.load(DOCUMENTS_RESOURCE);
    }

    /** The document model of the opt-in documents' cascade ({@link #TUNED_DOCUMENTS_RESOURCE}). */
    public static LinearTextModel loadTunedDocuments() {
        return LinearTextModel.load(TUNED_DOCUMENTS_RESOURCE);
    }
}
