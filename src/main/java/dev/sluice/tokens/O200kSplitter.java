package dev.sluice.tokens;

/**
 * o200k_base's pre-tokeniser, written out by hand: the same pieces as jtokkit's regex
 * <pre>
 * [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * |\p{N}{1,3}
 * | ?[^\s\p{L}\p{N}]+[\r\n/]*
 * |\s*[\r\n]+
 * |\s+(?!\S)
 * |\s+
 * </pre>
 * compiled by {@code java.util.regex} with {@code UNICODE_CHARACTER_CLASS}, which made up most of the cost of
 * counting a prompt's tokens. Each alternative below follows the regex engine's order exactly (alternatives left
 * to right, greedy quantifiers backing off one code point at a time), and the character classes are Java's:
 * general categories from {@link Character#getType(int)}, {@code \s} as Java's {@code White_Space} predicate,
 * {@code (?i)} as Java's Unicode case folding ({@code toLowerCase(toUpperCase(c))}, so {@code 'ſ} is
 * {@code 's}). Unpaired surrogates are code points of their own, as they are for the regex.
 */
final class O200kSplitter {
    // character class bits
    private static final int UPPER = 1;     // in [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]  ("A")
    private static final int LOWER = 2;     // in [\p{Ll}\p{Lm}\p{Lo}\p{M}]        ("B")
    private static final int LETTER = 4;    // \p{L}
    private static final int NUMBER = 8;    // \p{N}
    private static final int SPACE = 16;    // \s
    private static final int NEWLINE = 32;  // [\r\n]

    private static final byte[] ASCII = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII[c] = (byte) classify(c);
        }
    }

    private O200kSplitter() {}

    private static int classify(int cp) {
        int bits = switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER -> UPPER | LETTER;
            case Character.LOWERCASE_LETTER -> LOWER | LETTER;
            case Character.MODIFIER_LETTER, Character.OTHER_LETTER -> UPPER | LOWER | LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> UPPER | LOWER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SPACE;
            default -> 0;
        };
        // java.util.regex's White_Space: the separators above plus \t \n \u000B \f \r and NEL
        if ((cp >= 0x9 && cp <= 0xd) || cp == 0x85) {
            bits |= SPACE;
        }
        if (cp == '\r' || cp == '\n') {
            bits |= NEWLINE;
        }
        return bits;
    }

    private static int bits(int cp) {
        return cp < 128 ? ASCII[cp] : classify(cp);
    }

    /** A prefix character of the two letter alternatives: {@code [^\r\n\p{L}\p{N}]}. */
    private static boolean prefix(int bits) {
        return (bits & (NEWLINE | LETTER | NUMBER)) == 0;
    }

    /** {@code [^\s\p{L}\p{N}]}. */
    private static boolean symbol(int bits) {
        return (bits & (SPACE | LETTER | NUMBER)) == 0;
    }

    /** Where the piece that starts at {@code i} ends (exclusive); {@code i < text.length()}. */
    static int next(String text, int i) {
        int end = letters(text, i, true);
        if (end < 0) {
            end = letters(text, i, false);
        }
        if (end >= 0) {
            return end;
        }
        int cp = text.codePointAt(i);
        int b = bits(cp);
        if ((b & NUMBER) != 0) {
            return digits(text, i);
        }
        end = symbols(text, i);
        if (end >= 0) {
            return end;
        }
        // only whitespace is left: every other code point starts one of the alternatives above
        return spaces(text, i);
    }

    /**
     * The first ({@code lowerRun}) or second letter alternative:
     * {@code P? A* B+ C?} or {@code P? A+ B* C?}, where P is the optional prefix, A the "upper" and B the "lower"
     * class and C the contraction. -1 when it does not match at {@code i}.
     */
    private static int letters(String text, int i, boolean lowerRun) {
        int len = text.length();
        int cp = text.codePointAt(i);
        // the optional prefix is tried with one character first, then without
        if (prefix(bits(cp))) {
            int end = lettersFrom(text, i + Character.charCount(cp), lowerRun);
            if (end >= 0) {
                return end;
            }
        }
        return i < len ? lettersFrom(text, i, lowerRun) : -1;
    }

    private static int lettersFrom(String text, int s, boolean lowerRun) {
        int len = text.length();
        // A run, remembering the last code point in it that is also in B (where A* backs off to for B+)
        int p = s;
        int lastLower = -1;
        while (p < len) {
            int cp = text.codePointAt(p);
            int b = bits(cp);
            if ((b & UPPER) == 0) {
                break;
            }
            if ((b & LOWER) != 0) {
                lastLower = p;
            }
            p += Character.charCount(cp);
        }
        int aEnd = p;
        if (lowerRun) {
            // A* then B+: B+ starts where A* stopped if that code point is in B (only \p{Ll} can be),
            // else A* gives back code points until the last one it took that is in B
            int from;
            if (aEnd < len && (bits(text.codePointAt(aEnd)) & LOWER) != 0) {
                from = aEnd;
            } else if (lastLower >= 0) {
                from = lastLower;
            } else {
                return -1;
            }
            return contraction(text, lowerRun(text, from));
        }
        if (aEnd == s) {
            return -1; // A+ needs one
        }
        return contraction(text, lowerRun(text, aEnd));
    }

    /** The end of the greedy run of B code points from {@code p}. */
    private static int lowerRun(String text, int p) {
        int len = text.length();
        while (p < len) {
            int cp = text.codePointAt(p);
            if ((bits(cp) & LOWER) == 0) {
                break;
            }
            p += Character.charCount(cp);
        }
        return p;
    }

    /** {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)?} at {@code p}: where the match ends. */
    private static int contraction(String text, int p) {
        int len = text.length();
        if (p + 1 >= len || text.charAt(p) != '\'') {
            return p;
        }
        char c1 = text.charAt(p + 1);
        if (is(c1, 's') || is(c1, 't')) {
            return p + 2;
        }
        if (p + 2 < len) {
            char c2 = text.charAt(p + 2);
            if ((is(c1, 'r') || is(c1, 'v')) && is(c2, 'e')) {
                return p + 3;
            }
        }
        if (is(c1, 'm')) {
            return p + 2;
        }
        if (p + 2 < len && is(c1, 'l') && is(text.charAt(p + 2), 'l')) {
            return p + 3;
        }
        if (is(c1, 'd')) {
            return p + 2;
        }
        return p;
    }

    /** A case-insensitive match of the regex engine with UNICODE_CASE (its {@code SliceU}). */
    private static boolean is(char c, char lower) {
        return c == lower || Character.toLowerCase(Character.toUpperCase(c)) == lower;
    }

    /** {@code \p{N}{1,3}}. */
    private static int digits(String text, int i) {
        int len = text.length();
        int p = i;
        for (int n = 0; n < 3 && p < len; n++) {
            int cp = text.codePointAt(p);
            if ((bits(cp) & NUMBER) == 0) {
                break;
            }
            p += Character.charCount(cp);
        }
        return p;
    }

    /** {@code  ?[^\s\p{L}\p{N}]+[\r\n/]*}, -1 when it does not match. */
    private static int symbols(String text, int i) {
        int end = -1;
        if (text.charAt(i) == ' ') {
            end = symbolRun(text, i + 1);
        }
        if (end < 0) {
            end = symbolRun(text, i);
        }
        if (end < 0) {
            return -1;
        }
        int len = text.length();
        while (end < len) {
            char c = text.charAt(end);
            if (c != '\r' && c != '\n' && c != '/') {
                break;
            }
            end++;
        }
        return end;
    }

    private static int symbolRun(String text, int s) {
        int len = text.length();
        int p = s;
        while (p < len) {
            int cp = text.codePointAt(p);
            if (!symbol(bits(cp))) {
                break;
            }
            p += Character.charCount(cp);
        }
        return p == s ? -1 : p;
    }

    /** {@code \s*[\r\n]+ | \s+(?!\S) | \s+} at a whitespace code point (all are in the BMP). */
    private static int spaces(String text, int i) {
        int len = text.length();
        int end = i;
        int lastNewline = -1;
        while (end < len) {
            int b = bits(text.charAt(end));
            if ((b & SPACE) == 0) {
                break;
            }
            if ((b & NEWLINE) != 0) {
                lastNewline = end;
            }
            end++;
        }
        if (lastNewline >= 0) {
            return lastNewline + 1; // \s* backs off to the last \r or \n of the run
        }
        if (end == len || end - i == 1) {
            return end; // (?!\S) holds at the end of the text; a single space falls through to \s+
        }
        return end - 1; // leave the last whitespace to prefix what follows
    }
}
