package dev.sluice.guard;

import java.text.Normalizer;

/**
 * A text folded for matching against obfuscation: lower case, compatibility forms (full-width,
 * mathematical letters) and Latin look-alikes mapped to ASCII, invisible characters (zero-width, bidi
 * controls, tag characters, variation selectors, soft hyphens) removed. Cyrillic and Greek look-alikes
 * ("іgnоre" with a Cyrillic і and о) become their Latin letters only inside a word that also has a
 * Latin letter: that mix is spoofing, while a word written wholly in Cyrillic or Greek is ordinary
 * Russian, Ukrainian, Greek... and stays as written ("все" must not become "bce" for the model).
 * Keeps a map back to the original indices, so a match in the folded text can be redacted in the
 * original.
 */
public final class Folded {
    /** BMP char → folded char; 0 means "drop it". Built once from NFKC and the Latin look-alikes. */
    private static final char[] FOLD = buildTable();
    /** Folded Cyrillic/Greek char → its Latin look-alike, 0 when it has none. */
    private static final char[] SPOOF = new char[0x10000];
    /** Folded char → {@link #LATIN}, {@link #OTHER_WORD} or 0 (not part of a word). */
    private static final byte[] KIND = new byte[0x10000];
    private static final byte LATIN = 1;
    private static final byte OTHER_WORD = 2;

    static {
        for (int c = 0; c < 0x10000; c++) {
            if (Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
                    || Character.getType(c) == Character.COMBINING_SPACING_MARK) {
                KIND[c] = Character.isLetter(c) && Character.UnicodeScript.of(c) == Character.UnicodeScript.LATIN
                        ? LATIN : OTHER_WORD;
            }
        }
        String[] confusables = {
            // Cyrillic
            "аa", "вb", "еe", "ёe", "кk", "мm", "нh", "оo", "рp", "сc", "тt", "уy", "хx", "іi", "їi", "јj", "ѕs",
            "ԁd", "ӏl", "ԛq", "ԝw", "ъb", "ьb", "гr", "пn", "ԍg", "һh", "ѵv",
            // Greek
            "αa", "βb", "εe", "ηn", "ιi", "κk", "μu", "νv", "οo", "ρp", "τt", "υu", "χx", "ωw", "ϲc", "ϳj",
        };
        for (String pair : confusables) {
            char from = pair.charAt(0);
            SPOOF[from] = pair.charAt(1);
            SPOOF[FOLD[Character.toUpperCase(from)]] = pair.charAt(1); // upper case folds to lower case first
        }
    }

    private final String text;
    private final int[] toRaw;

    private Folded(String text, int[] toRaw) {
        this.text = text;
        this.toRaw = toRaw;
    }

    /** The folded text. */
    public String text() {
        return text;
    }

    /** The original index of folded index {@code i} ({@code i == length} maps to the original's end). */
    public int rawIndex(int i) {
        return toRaw[i];
    }

    public static Folded of(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        int[] map = new int[raw.length() + 1];
        int n = 0;
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            int width = Character.charCount(cp);
            if (cp < 0x10000) {
                char f = FOLD[cp];
                if (f != 0) {
                    sb.append(f);
                    map[n++] = i;
                }
            } else if (!Invisible.isInvisible(cp)) {
                // mathematical alphanumerics and other astral compatibility forms
                String nf = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC);
                if (nf.length() == 1) {
                    sb.append(Character.toLowerCase(nf.charAt(0)));
                    map[n++] = i;
                } else {
                    sb.appendCodePoint(cp);
                    map[n++] = i;
                    map[n++] = i;
                }
            }
            i += width;
        }
        map[n] = raw.length();
        unspoof(sb);
        return new Folded(sb.toString(), map);
    }

    /** Folds one string without keeping the index map. */
    public static String fold(String raw) {
        return fold(raw, false);
    }

    /** Folds one string; with {@code collapse}, runs of whitespace become one space (no index map either way). */
    public static String fold(String raw, boolean collapse) {
        char[] out = new char[raw.length()];
        int n = 0;
        boolean space = false;
        boolean greekOrAbove = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isSurrogate(c)) {
                return slowFold(raw, collapse);
            }
            char f = FOLD[c];
            if (f == 0) {
                continue;
            }
            if (collapse && Character.isWhitespace(f)) {
                if (space) {
                    continue;
                }
                f = ' ';
                space = true;
            } else {
                space = false;
            }
            greekOrAbove |= f >= 0x0370;
            out[n++] = f;
        }
        // Greek and Cyrillic start at U+0370: text without such a char (most text) needs no second look
        return greekOrAbove && hasSpoofedWord(out, n) ? unspoofed(out, n) : new String(out, 0, n);
    }

    /** Whether some word of folded text mixes Latin letters with Cyrillic/Greek look-alikes. */
    private static boolean hasSpoofedWord(char[] f, int n) {
        boolean latin = false;
        boolean lookalike = false;
        for (int i = 0; i < n; i++) {
            char c = f[i];
            byte kind = KIND[c];
            if (kind == 0) {
                latin = false;
                lookalike = false;
            } else {
                latin |= kind == LATIN;
                lookalike |= SPOOF[c] != 0;
                if (latin && lookalike) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Start of the first word at or after {@code from} that mixes Latin letters with look-alikes, or -1. */
    private static int nextSpoofedWord(CharSequence f, int from) {
        int start = -1;
        boolean latin = false;
        boolean lookalike = false;
        for (int i = from; i <= f.length(); i++) {
            char c = i < f.length() ? f.charAt(i) : ' ';
            byte kind = KIND[c];
            if (kind == 0) {
                if (latin && lookalike) {
                    return start;
                }
                start = -1;
                latin = false;
                lookalike = false;
                continue;
            }
            if (start < 0) {
                start = i;
            }
            latin |= kind == LATIN;
            lookalike |= SPOOF[c] != 0;
        }
        return -1;
    }

    private static String unspoofed(char[] out, int n) {
        StringBuilder sb = new StringBuilder(n).append(out, 0, n);
        unspoof(sb);
        return sb.toString();
    }

    /** Maps the look-alikes of every mixed-script word to Latin, one char for one char (indices keep). */
    private static void unspoof(StringBuilder f) {
        for (int start = nextSpoofedWord(f, 0); start >= 0; start = nextSpoofedWord(f, start)) {
            int i = start;
            for (; i < f.length() && KIND[f.charAt(i)] != 0; i++) {
                char to = SPOOF[f.charAt(i)];
                if (to != 0) {
                    f.setCharAt(i, to);
                }
            }
        }
    }

    private static String slowFold(String raw, boolean collapse) {
        String t = of(raw).text;
        return collapse ? t.replaceAll("\\s+", " ") : t;
    }

    private static char[] buildTable() {
        char[] table = new char[0x10000];
        for (int c = 0; c < 0x10000; c++) {
            if (Character.isSurrogate((char) c)) {
                table[c] = (char) c;
                continue;
            }
            if (Invisible.isInvisible(c)) {
                table[c] = 0;
                continue;
            }
            char folded = (char) c;
            if (c >= 0x80) {
                String nf = Normalizer.normalize(String.valueOf((char) c), Normalizer.Form.NFKC);
                if (nf.length() == 1) {
                    folded = nf.charAt(0);
                }
            }
            table[c] = Character.toLowerCase(folded);
        }
        String[] latinLookalikes = { // Latin script (and IPA): folded wherever they occur
            "ıi", "ȷj", "ɡg", "ɑa", "ɩi", "ℓl", "ꞵb", "ƅb", "ᴀa", "ʀr",
        };
        for (String pair : latinLookalikes) {
            char from = pair.charAt(0);
            char to = pair.charAt(1);
            table[from] = to;
            table[Character.toUpperCase(from)] = to;
        }
        return table;
    }
}
