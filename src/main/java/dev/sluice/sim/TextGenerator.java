package dev.sluice.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic filler prose: sentences of 5..14 vocabulary words ending with a full stop. One
 * piece is one token (a word with its leading space, or "."), so a streamed answer has one chunk
 * per token and the piece count is the token count.
 */
final class TextGenerator {
    private static final int WORDS = Vocabulary.WORDS.size();
    // pre-built forms: no string concatenation per generated word
    private static final String[] PLAIN = new String[WORDS];
    private static final String[] SPACED = new String[WORDS];
    private static final String[] CAPITAL = new String[WORDS];
    private static final String[] SPACED_CAPITAL = new String[WORDS];

    static {
        for (int i = 0; i < WORDS; i++) {
            String w = Vocabulary.WORDS.get(i);
            String cap = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            PLAIN[i] = w;
            SPACED[i] = " " + w;
            CAPITAL[i] = cap;
            SPACED_CAPITAL[i] = " " + cap;
        }
    }

    private TextGenerator() {}

    /**
     * {@code tokens} pieces of prose drawn from {@code seed}. With {@code leadingSpace} the first
     * word has a space before it, to continue text that came before.
     */
    static List<String> pieces(long seed, int tokens, boolean leadingSpace) {
        List<String> out = new ArrayList<>(tokens);
        SplittableRandom random = new SplittableRandom(seed);
        int inSentence = 0;
        int sentenceLength = 5 + random.nextInt(10);
        while (out.size() < tokens) {
            int remaining = tokens - out.size();
            if (inSentence > 0 && (inSentence == sentenceLength || remaining == 1)) {
                out.add(".");
                inSentence = 0;
                sentenceLength = 5 + random.nextInt(10);
                continue;
            }
            int w = random.nextInt(WORDS);
            boolean spaced = leadingSpace || !out.isEmpty();
            out.add(inSentence == 0 ? (spaced ? SPACED_CAPITAL[w] : CAPITAL[w]) : (spaced ? SPACED[w] : PLAIN[w]));
            inSentence++;
        }
        return out;
    }

    /** {@code tokens} words of prose as one string. */
    static String text(long seed, int tokens) {
        return String.join("", pieces(seed, tokens, false));
    }
}
