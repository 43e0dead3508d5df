package dev.sluice.eval;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One check on a model's answer, as written in a suite ({@code assert:} items, promptfoo's
 * format): its type without the {@code not-} prefix, whether it is negated, the expected value,
 * an optional threshold, its weight in the test's score, an optional named metric, the judge or
 * embedding model it names, and where it was written (for error messages).
 *
 * @param value     the {@code value:} as JSON (a string, list or object), or null
 * @param threshold the {@code threshold:}, or null when not given
 * @param provider  the model a model-graded or similarity check uses ({@code provider:}), or null
 * @param where     file and line, e.g. {@code suite.yaml:12}
 */
public record Assertion(String type, boolean negated, JsonNode value, Double threshold, double weight, String metric,
                        String provider, String rubricPrompt, String where) {

    /** The type as written, with {@code not-} when negated. */
    public String label() {
        return negated ? "not-" + type : type;
    }

    /** The value as text (a string value, or the JSON of any other), or null. */
    public String valueText() {
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isTextual() ? value.asText() : value.toString();
    }
}
