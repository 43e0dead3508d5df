package dev.sluice.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.eval.Assertion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code similar}: the cosine similarity of the answer's and the value's embeddings reaches the
 * threshold (default 0.75, as promptfoo); with a list of values, the best one counts. Embeddings
 * come from the in-process all-MiniLM-L6-v2 model unless the assertion names a gateway embedding
 * model ({@code provider:}).
 */
final class SimilarScorer implements Scorer {
    static final double DEFAULT_THRESHOLD = 0.75;
    private final List<String> expected = new ArrayList<>();
    private final double threshold;
    private final String model;

    SimilarScorer(Assertion a) {
        JsonNode value = a.value();
        if (value != null && value.isArray()) {
            value.forEach(v -> expected.add(v.asText()));
        } else if (value != null && !value.isNull()) {
            expected.add(value.asText());
        }
        if (expected.isEmpty() || expected.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + a.label() + "' needs the expected text as its value");
        }
        threshold = a.threshold() != null ? a.threshold() : DEFAULT_THRESHOLD;
        if (threshold < -1 || threshold > 1) {
            throw new IllegalArgumentException("the threshold of '" + a.label() + "' is a cosine between -1 and 1");
        }
        model = a.provider() == null ? null : SimilarScorer.embeddingModel(a.provider());
    }

    /** {@code openai:embedding:text-embedding-3-small} or a bare model name. */
    static String embeddingModel(String provider) {
        int colon = provider.lastIndexOf(':');
        return colon < 0 ? provider : provider.substring(colon + 1);
    }

    @Override
    public Score score(Answer answer, ScoreContext context) {
        double best = -1;
        for (String e : expected) {
            best = Math.max(best, context.similarity().cosine(answer.text(), e, model));
        }
        String sim = String.format(java.util.Locale.ROOT, "%.3f", best);
        boolean pass = best >= threshold;
        return new Score(pass, Math.max(0, best),
                pass ? "Similarity " + sim + " >= " + threshold : "Similarity " + sim + " is below " + threshold,
                Map.of("similarity", best));
    }
}
