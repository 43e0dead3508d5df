package dev.sluice.eval.run;

import java.util.Map;

/** One check's verdict on one answer. */
public record AssertionResult(String type, boolean pass, double score, String reason, String metric,
                              Map<String, Object> details) {
    public AssertionResult {
        details = details == null ? Map.of() : details;
    }
}
