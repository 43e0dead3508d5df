package dev.sluice.eval.score;

/** The cosine similarity of two texts' embeddings. */
@FunctionalInterface
public interface Similarity {
    /**
     * @param model an embedding model of the gateway, or null for the in-process all-MiniLM-L6-v2
     */
    double cosine(String a, String b, String model);
}
