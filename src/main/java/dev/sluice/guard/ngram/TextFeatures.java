package dev.sluice.guard.ngram;

import dev.sluice.guard.Folded;

/**
 * The features a {@link LinearTextModel} reads, hashed into {@code 2^bits} buckets: for each token
 * of the folded text (a run of letters/digits, or a run of punctuation such as {@code ###} or
 * {@code </}), the token itself, the pair it forms with the previous token, and the character
 * 3-, 4- and 5-grams of the token with its boundaries (so "instrucciones", "Anweisungen" and
 * "instructions" share evidence, and an unseen spelling still scores). Text is folded first (case,
 * full-width and look-alike letters, invisible characters), so obfuscation changes nothing here.
 *
 * <p>Every token position yields a bounded number of features (long tokens such as base64 runs
 * contribute only the char-grams of their first {@link #MAX_GRAM_CHARS} characters), so the cost
 * is linear in the text's length. No strings are allocated per feature: hashes are computed over
 * the folded text in place.
 */
public final class TextFeatures {
    static final int MAX_GRAM_CHARS = 24;
    static final int MAX_PUNCT = 6;
    private static final int SEED_WORD = 0x1b873593;
    private static final int SEED_PAIR = 0x2c1b3c6d;
    private static final int SEED_GRAM = 0x297a2d39;

    /** Receives the features of the text, position by position. */
    public interface Sink {
        /** One feature (a bucket index) of the current token position. */
        void feature(int bucket);

        /** The current token position is complete. */
        void endPosition();
    }

    private TextFeatures() {}

    /** Feeds the features of {@code raw} to {@code sink}, position by position. */
    public static void extract(String raw, int bits, Sink sink) {
        String f = Folded.fold(raw);
        int mask = (1 << bits) - 1;
        int n = f.length();
        int prev = 0;
        int i = 0;
        while (i < n) {
            char c = f.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            boolean word = Character.isLetterOrDigit(c);
            if (word) {
                while (i < n && Character.isLetterOrDigit(f.charAt(i))) {
                    i++;
                }
            } else {
                while (i < n && i - start < MAX_PUNCT && !Character.isWhitespace(f.charAt(i))
                        && !Character.isLetterOrDigit(f.charAt(i))) {
                    i++;
                }
            }
            int tok = hash(f, start, i, SEED_WORD);
            if (tok == prev) {
                continue; // "word word word ...": a repeated token adds no evidence (the score would grow with the run)
            }
            sink.feature(mix(tok) & mask);
            sink.feature(mix(prev * 0x9e3779b1 ^ tok ^ SEED_PAIR) & mask);
            if (word) {
                grams(f, start, Math.min(i, start + MAX_GRAM_CHARS), mask, sink);
            }
            sink.endPosition();
            prev = tok;
        }
    }

    /** Char 3..5-grams of " token " (boundaries included). */
    private static void grams(String f, int start, int end, int mask, Sink sink) {
        int len = end - start + 2; // virtual: ' ' + token + ' '
        for (int size = 3; size <= 5; size++) {
            for (int a = 0; a + size <= len; a++) {
                int h = SEED_GRAM + size;
                for (int k = a; k < a + size; k++) {
                    char ch = k == 0 || k == len - 1 ? ' ' : f.charAt(start + k - 1);
                    h = (h ^ ch) * 0x01000193;
                }
                sink.feature(mix(h) & mask);
            }
        }
    }

    private static int hash(String s, int from, int to, int seed) {
        int h = seed ^ 0x811c9dc5;
        for (int k = from; k < to; k++) {
            h = (h ^ s.charAt(k)) * 0x01000193;
        }
        return h;
    }

    /** Murmur3's finaliser: spreads FNV's low bits before masking. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
