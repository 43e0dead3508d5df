package dev.sluice.guard;

import java.text.Normalizer;

/**
 * A text folded for matching against obfuscation: lower case, compatibility forms (full-width,
 * mathematical letters) and common Cyrillic/Greek look-alikes mapped to ASCII, invisible characters
 * (zero-width, bidi controls, tag characters, variation selectors, soft hyphens) removed. Keeps a map
 * back to the original indices, so a match in the folded text can be redacted in the original.
 */
public final class Folded {
    /** BMP char → folded char; 0 means "drop it". Built once from NFKC and a confusables list. */
    private static final char[] FOLD = buildTable();

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
            out[n++] = f;
        }
        return new String(out, 0, n);
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
        String[] confusables = {
            // Cyrillic
            "аa", "вb", "еe", "ёe", "кk", "мm", "нh", "оo", "рp", "сc", "тt", "уy", "хx", "іi", "їi", "јj", "ѕs",
            "ԁd", "ӏl", "ԛq", "ԝw", "ъb", "ьb", "гr", "пn", "ԍg", "һh",
            // Greek
            "αa", "βb", "εe", "ηn", "ιi", "κk", "μu", "νv", "οo", "ρp", "τt", "υu", "χx", "ωw", "ϲc", "ϳj",
            // Latin look-alikes and IPA
            "ıi", "ȷj", "ɡg", "ɑa", "ɩi", "ℓl", "ꞵb", "ƅb", "ᴀa", "ʀr", "ѵv",
        };
        for (String pair : confusables) {
            char from = pair.charAt(0);
            char to = pair.charAt(1);
            table[from] = to;
            table[Character.toUpperCase(from)] = to;
        }
        return table;
    }
}
