package dev.sluice.guard.secrets;

/**
 * Where a run of characters of one class ends, remembering the last run: a later start inside a
 * run already measured ends where that run ended, so text made of repeated prefixes
 * ({@code sk-sk-sk-...}) is measured once instead of once per prefix, which keeps every rule
 * linear in the length of the text. One instance per scan and character class; not thread-safe.
 */
final class Runs {
    private final CharClass chars;
    private int lastStart = -1;
    private int lastEnd = -1;

    Runs(CharClass chars) {
        this.chars = chars;
    }

    /** The end of the maximal run of the class starting at {@code from} ({@code from} when empty). */
    int end(String text, int from) {
        if (from >= lastStart && from <= lastEnd && lastStart >= 0) {
            return lastEnd;
        }
        int i = from;
        int n = text.length();
        while (i < n && chars.has(text.charAt(i))) {
            i++;
        }
        lastStart = from;
        lastEnd = i;
        return i;
    }
}
