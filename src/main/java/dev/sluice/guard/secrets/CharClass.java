package dev.sluice.guard.secrets;

/**
 * A set of characters a credential is made of, tested in O(1). The secret rules are written as
 * "a literal, then a run of these characters", which a single left-to-right pass can check.
 */
@FunctionalInterface
interface CharClass {
    boolean has(char c);

    CharClass ALNUM = c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    /** {@code [A-Za-z0-9_]}: also what {@code \b} calls a word character. */
    CharClass WORD = c -> ALNUM.has(c) || c == '_';
    /** {@code [A-Za-z0-9_-]}: URL-safe base64 and most API tokens. */
    CharClass TOKEN = c -> WORD.has(c) || c == '-';
    CharClass ALNUM_DASH = c -> ALNUM.has(c) || c == '-';
    CharClass UPPER_DIGIT = c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    /** {@code [A-Za-z0-9+/]}: standard base64. */
    CharClass BASE64 = c -> ALNUM.has(c) || c == '+' || c == '/';

    /** Every character but whitespace and the given ones. */
    static CharClass noneOf(String excluded) {
        return c -> !Character.isWhitespace(c) && excluded.indexOf(c) < 0;
    }

    /** Whether there is a {@code \b} word boundary at {@code i} (between {@code i - 1} and {@code i}). */
    static boolean boundary(String text, int i) {
        boolean before = i > 0 && WORD.has(text.charAt(i - 1));
        boolean after = i < text.length() && WORD.has(text.charAt(i));
        return before != after;
    }
}
