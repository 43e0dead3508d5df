package dev.sluice.eval;

import java.util.List;
import java.util.Map;

/**
 * One test of a suite: variables for the prompts' templates and the checks every answer must pass
 * ({@code defaultTest}'s already merged in).
 *
 * @param description the test's name in reports, or null (then its variables name it)
 * @param threshold   when set, the test passes when the weighted score of its checks reaches it,
 *                    rather than when every check passes
 * @param where       file and line, e.g. {@code suite.yaml:30} or {@code tests.csv:4}
 */
public record TestCase(String description, Map<String, Object> vars, List<Assertion> asserts, Double threshold,
                       Map<String, Object> metadata, String where) {
    public TestCase {
        vars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vars));
        asserts = List.copyOf(asserts);
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    /** The name in reports: the description, else the variables ({@code topic=bananas, n=3}). */
    public String name() {
        if (description != null && !description.isBlank()) {
            return description;
        }
        StringBuilder sb = new StringBuilder();
        vars.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        String s = sb.toString().replace('\n', ' ');
        return s.isEmpty() ? "(no variables)" : s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
