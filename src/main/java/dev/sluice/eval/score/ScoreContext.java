package dev.sluice.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What a scorer may use besides the answer: the test's variables, the prompt as sent (its last user
 * message, the "question" of model-graded checks), the tools the request offered, and the judge
 * and embeddings.
 *
 * @param grader the judge model used when an assertion names none
 */
public record ScoreContext(Map<String, Object> vars, String prompt, JsonNode tools, Judge judge, String grader,
                           Similarity similarity) {

    public ScoreContext {
        vars = vars == null ? Map.of() : vars;
    }

    /** For checks that need only the answer. */
    public static ScoreContext basic() {
        return new ScoreContext(Map.of(), "", null, (m, s, u, v) -> {
            throw new IllegalStateException("no judge model is configured");
        }, null, (a, b, m) -> {
            throw new IllegalStateException("no embedder is configured");
        });
    }
}
