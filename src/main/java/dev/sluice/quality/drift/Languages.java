package dev.sluice.quality.drift;

import java.util.Locale;
import java.util.Set;

/**
 * A coarse language label for drift, no model needed: the dominant script (Cyrillic, Greek, Arabic,
 * Hebrew, Devanagari, Han, Hiragana/Katakana, Hangul, Thai), and for Latin text the language whose
 * common words appear most (English, Spanish, French, German, Portuguese, Italian), else {@code latin}.
 * Linear in the text; only the first few thousand characters are read.
 */
public final class Languages {
    static final int READ = 4_000;

    private static final String[] LATIN = {"en", "es", "fr", "de", "pt", "it"};
    private static final Set<String>[] STOPWORDS = stopwords();

    private Languages() {}

    @SuppressWarnings("unchecked")
    private static Set<String>[] stopwords() {
        return new Set[] {
            Set.of("the", "and", "is", "are", "what", "how", "of", "to", "in", "you", "it", "for", "with", "this", "that", "can"),
            Set.of("el", "la", "los", "las", "es", "que", "de", "y", "en", "por", "para", "con", "una", "como", "qué", "cómo"),
            Set.of("le", "la", "les", "est", "et", "que", "des", "une", "pour", "dans", "avec", "qui", "pas", "vous", "comment"),
            Set.of("der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "für", "wie", "ich", "sie", "was", "auf"),
            Set.of("o", "os", "as", "é", "que", "não", "uma", "para", "com", "como", "do", "da", "em", "você", "isso"),
            Set.of("il", "lo", "gli", "è", "che", "non", "una", "per", "con", "come", "della", "sono", "questo", "cosa")
        };
    }

    /** The label of {@code text}; {@code none} when it has no letters. */
    public static String detect(String text) {
        if (text == null) {
            return "none";
        }
        int end = Math.min(text.length(), READ);
        int[] scripts = new int[Script.values().length];
        int letters = 0;
        for (int i = 0; i < end; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!Character.isLetter(cp)) {
                continue;
            }
            letters++;
            scripts[Script.of(cp).ordinal()]++;
        }
        if (letters == 0) {
            return "none";
        }
        int best = 0;
        for (int s = 1; s < scripts.length; s++) {
            if (scripts[s] > scripts[best]) {
                best = s;
            }
        }
        Script script = Script.values()[best];
        return script == Script.LATIN ? latin(text.substring(0, end)) : script.label;
    }

    private static String latin(String text) {
        int[] hits = new int[LATIN.length];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
            for (int l = 0; l < LATIN.length; l++) {
                if (STOPWORDS[l].contains(word)) {
                    hits[l]++;
                }
            }
        }
        int best = -1;
        int bestHits = 0;
        for (int l = 0; l < LATIN.length; l++) {
            if (hits[l] > bestHits) {
                best = l;
                bestHits = hits[l];
            }
        }
        return best < 0 ? "latin" : LATIN[best];
    }

    private enum Script {
        LATIN("latin"), CYRILLIC("cyrillic"), GREEK("greek"), ARABIC("arabic"), HEBREW("hebrew"), DEVANAGARI("devanagari"),
        HAN("han"), KANA("kana"), HANGUL("hangul"), THAI("thai"), OTHER("other");

        final String label;

        Script(String label) {
            this.label = label;
        }

        static Script of(int cp) {
            return switch (Character.UnicodeScript.of(cp)) {
                case LATIN -> LATIN;
                case CYRILLIC -> CYRILLIC;
                case GREEK -> GREEK;
                case ARABIC -> ARABIC;
                case HEBREW -> HEBREW;
                case DEVANAGARI -> DEVANAGARI;
                case HAN -> HAN;
                case HIRAGANA, KATAKANA -> KANA;
                case HANGUL -> HANGUL;
                case THAI -> THAI;
                default -> OTHER;
            };
        }
    }
}
