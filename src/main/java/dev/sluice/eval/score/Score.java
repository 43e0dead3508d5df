package dev.sluice.eval.score;

import java.util.Map;

/**
 * What a scorer found: pass or fail, a score between 0 and 1, a reason a person can read, and
 * details worth keeping (a judge's prompt and verdict, a similarity).
 */
public record Score(boolean pass, double score, String reason, Map<String, Object> details) {
    public Score {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static Score pass(String reason) {
        return new Score(true, 1, reason, Map.of());
    }

    public static Score fail(String reason) {
        return new Score(false, 0, reason, Map.of());
    }

    public static Score of(boolean pass, String passReason, String failReason) {
        return pass ? pass(passReason) : fail(failReason);
    }

    /** The opposite verdict (the {@code not-} prefix): pass and fail swap, the score becomes 1 - score. */
    public Score negated() {
        return new Score(!pass, 1 - score, (pass ? "Expected the opposite: " : "Negated: ") + reason, details);
    }
}
