package dev.sluice.eval.run;

import dev.sluice.eval.score.Answer;
import java.util.List;

/** One call of a test × prompt × target (one of {@code --repeat} trials): the answer and its checks. */
public record Trial(Answer answer, List<AssertionResult> asserts, boolean pass, double score) {
    public Trial {
        asserts = List.copyOf(asserts);
    }

    /** The first failed checks' reasons (or the call's error), for reports. */
    public String failureReason() {
        if (answer.failed()) {
            return "no answer: " + answer.error();
        }
        StringBuilder sb = new StringBuilder();
        for (AssertionResult a : asserts) {
            if (!a.pass()) {
                sb.append(sb.isEmpty() ? "" : "; ").append(a.type()).append(": ").append(a.reason());
            }
        }
        return sb.toString();
    }
}
