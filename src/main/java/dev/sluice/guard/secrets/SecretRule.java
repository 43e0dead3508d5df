package dev.sluice.guard.secrets;

import java.util.List;

/**
 * One kind of credential and how to find it. Every rule runs in time linear in the text: built-in
 * rules are hand-written scanners (a literal found with {@code indexOf}, then runs of characters),
 * custom rules are RE2/J automata, never a backtracking regex over the whole text.
 */
interface SecretRule {
    /** The type shown in findings, e.g. {@code github_token}. */
    String type();

    /**
     * Reports each occurrence in {@code text} ({@code lower} is the same text lower-cased, for
     * case-insensitive literals).
     */
    void find(String text, String lower, Sink sink);

    @FunctionalInterface
    interface Sink {
        void found(String type, int start, int end);
    }

    /** The distinct types of the rules, in order. */
    static List<String> types(List<SecretRule> rules) {
        return rules.stream().map(SecretRule::type).distinct().toList();
    }
}
