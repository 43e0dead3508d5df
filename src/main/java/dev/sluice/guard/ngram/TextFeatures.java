package dev.sluice.guard.ngram;

import dev.sluice.guard.Folded;

/**
 * The features a {@link LinearTextModel} reads, hashed into {@code 2^bits} buckets: for each token
 * of the folded text (a run of letters/digits, one character of a script written without spaces
 * such as Chinese or Thai, or a run of punctuation such as {@code ###} or {@code </}), the token itself, the pair it forms with the previous token, and the character
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

        /** Where the current token lies in the folded text (called before its features). */
        default void span(int from, int to) {}

        /** True to stop reading: the rest of the text cannot change what the sink decides. */
        default boolean done() {
            return false;
        }
    }

    private TextFeatures() {}

    /** Feeds the features of {@code raw} to {@code sink}, position by position (no act features). */
    public static void extract(String raw, int bits, Sink sink) {
        extract(raw, bits, false, sink);
    }

    /**
     * Feeds the features of {@code raw} to {@code sink}, position by position; with {@code acts},
     * also the {@link Acts act features} (what the text tries to do, whatever its words).
     */
    public static void extract(String raw, int bits, boolean acts, Sink sink) {
        String f = Folded.fold(raw);
        extractFolded(f, 0, f.length(), bits, acts, true, sink);
    }

    /**
     * Feeds the features of {@code f[from, to)}, text already {@link Folded#fold folded}, to
     * {@code sink}; without {@code grams} only the word, word-pair and act features (about a fifth
     * of the work: the cheap first pass of {@link LinearTextModel}'s scan of a long text). Stops
     * early when the sink is {@link Sink#done() done}.
     */
    public static void extractFolded(String f, int from, int to, int bits, boolean acts, boolean grams, Sink sink) {
        Acts act = acts ? new Acts() : null;
        int mask = (1 << bits) - 1;
        int n = to;
        int prev = 0;
        int i = from;
        while (i < n) {
            char c = f.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            boolean word = Character.isLetterOrDigit(c);
            if (word && unspaced(c)) {
                i++; // one character is one token in scripts written without spaces
            } else if (word) {
                while (i < n && Character.isLetterOrDigit(f.charAt(i)) && !unspaced(f.charAt(i))) {
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
            sink.span(start, i);
            sink.feature(mix(tok) & mask);
            sink.feature(mix(prev * 0x9e3779b1 ^ tok ^ SEED_PAIR) & mask);
            if (word && grams) {
                grams(f, start, Math.min(i, start + MAX_GRAM_CHARS), mask, sink);
            }
            if (act != null) {
                act.token(f, start, i, word, tok, mask, sink);
            }
            sink.endPosition();
            prev = tok;
            if (sink.done()) {
                return;
            }
        }
    }

    /**
     * Whether {@code c} belongs to a script written without spaces between words (Chinese, Japanese
     * kana, Thai, Lao, Khmer, Myanmar; and Korean, see below). Their characters are tokens of their own, so a sentence is
     * read as characters and character pairs rather than as one long "word" of which only the first
     * {@link #MAX_GRAM_CHARS} characters would count (session 6: CyberSecEval's Chinese, Japanese and
     * Thai attacks were otherwise nearly featureless). Korean is written with spaces, but a word
     * carries its particles and endings ("무시하세요", "무시하고": ignore!, ignoring and), so with about a
     * dozen Korean training attacks whole words rarely recur; its syllables are tokens too (val:
     * Korean attacks 0/8 -> 3/8).
     */
    static boolean unspaced(char c) {
        if (c < 0x0E00) {
            return false;
        }
        return switch (Character.UnicodeScript.of(c)) {
            case HAN, HIRAGANA, KATAKANA, THAI, LAO, KHMER, MYANMAR, HANGUL -> true;
            default -> false;
        };
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

    /**
     * Features for the act a text attempts rather than its wording: an override verb shortly before
     * a word for instructions ("ignore ... directions"), a reveal verb near instructions or secrets
     * addressed to the model ("print your initial prompt"), re-casting the model's role ("you are
     * now", "act as"), role markers spoofed as headers ("system:", "[assistant]", "<|im_start|>"),
     * delimiter runs and "end of input" markers that fake a boundary, announced new instructions,
     * "say/print" followed by a quoted string, and long encoded runs. Each is one hashed feature at
     * the position where it completes; the model learns its weight. The state is a few "last seen"
     * positions per word class, so the cost per token is constant (one table probe by the token's
     * hash, no allocation).
     */
    static final class Acts {
        private static final int OVR = 1;
        private static final int PRIOR = 2;
        private static final int GUIDE = 4;
        private static final int REVEAL = 8;
        private static final int SECRET = 16;
        private static final int YOU = 32;
        private static final int ROLE = 64;
        private static final int SAY = 128;
        private static final int MARKER = 256;
        private static final int END = 512;
        private static final int NEW = 1024;
        private static final int CLASSES = 11;
        private static final int SEED_ACT = 0x5bd1e995;
        private static final int[] KEYS;
        private static final int[] VALUES;

        static {
            java.util.Map<Integer, Integer> m = new java.util.HashMap<>();
            put(m, OVR, "ignore ignoring ignored disregard disregarding forget forgetting override overrule bypass skip abandon discard"
                    + " neglect nevermind cancel drop stop ignorez ignorer ignoriere ignorieren vergiss vergessen olvida ignora ignorar"
                    + " omite dimentica ignorate negeer vergeet esqueca desconsidere oublie oubliez");
            put(m, PRIOR, "previous prior above earlier preceding former original initial all any following foregoing old"
                    + " everything vorherigen anteriores precedenti vorige precedentes anterieures");
            put(m, GUIDE, "instructions instruction directions directives directive rules rule prompt prompts guidelines commands"
                    + " orders programming constraints restrictions policies policy guardrails context message messages task tasks"
                    + " text conversation anweisungen instrucciones istruzioni instructies consignes regeln reglas regole regels");
            put(m, REVEAL, "reveal show print output repeat display tell leak dump share disclose expose recite spell write list"
                    + " paste echo translate summarize summarise give return what whats verbatim contents content");
            put(m, SECRET, "secret hidden password passcode passphrase confidential system initial key code access preprompt"
                    + " instructions prompt above");
            put(m, YOU, "you your yourself youre assistant ai model chatbot bot gpt chatgpt llm");
            put(m, ROLE, "act pretend roleplay imagine simulate behave become play persona character mode jailbroken unrestricted"
                    + " unfiltered uncensored");
            put(m, SAY, "say print output respond reply answer type write begin start");
            put(m, MARKER, "system assistant user human admin administrator developer inst sys root operator");
            put(m, END, "end stop begin start finished over close closing terminate");
            put(m, NEW, "new updated real actual true revised additional important urgent override");
            int size = Integer.highestOneBit(m.size() * 4);
            KEYS = new int[size];
            VALUES = new int[size];
            for (java.util.Map.Entry<Integer, Integer> e : m.entrySet()) {
                int slot = mix(e.getKey()) & (size - 1);
                while (VALUES[slot] != 0) {
                    slot = (slot + 1) & (size - 1);
                }
                KEYS[slot] = e.getKey();
                VALUES[slot] = e.getValue();
            }
        }

        private static void put(java.util.Map<Integer, Integer> m, int cls, String words) {
            for (String w : words.split(" ")) {
                m.merge(hash(w, 0, w.length(), SEED_WORD), cls, (a, b) -> a | b);
            }
        }

        private static int classes(int tok) {
            int slot = mix(tok) & (KEYS.length - 1);
            while (VALUES[slot] != 0) {
                if (KEYS[slot] == tok) {
                    return VALUES[slot];
                }
                slot = (slot + 1) & (KEYS.length - 1);
            }
            return 0;
        }

        private final int[] last = new int[CLASSES];
        private int position;
        private int lastOpen = -100;
        private int lastColonOwner = -100;

        Acts() {
            java.util.Arrays.fill(last, -100);
        }

        private boolean within(int cls, int distance) {
            return position - last[Integer.numberOfTrailingZeros(cls)] <= distance;
        }

        private void emit(int act, int mask, Sink sink) {
            sink.feature(mix(SEED_ACT + act * 0x9e3779b1) & mask);
        }

        void token(String f, int start, int end, boolean word, int tok, int mask, Sink sink) {
            position++;
            if (word) {
                int c = classes(tok);
                if (end - start >= 40) {
                    emit(1, mask, sink); // a long run of letters/digits: base64, hex or another encoding
                }
                if ((c & GUIDE) != 0 && within(OVR, 6)) {
                    emit(2, mask, sink); // override verb ... instructions
                }
                if ((c & PRIOR) != 0 && within(OVR, 2)) {
                    emit(3, mask, sink); // "ignore the previous", "forget all"
                }
                if ((c & (SECRET | GUIDE)) != 0 && within(REVEAL, 5) && (within(YOU, 5) || within(PRIOR, 3))) {
                    emit(4, mask, sink); // reveal your/the initial instructions
                }
                if ((c & ROLE) != 0 && within(YOU, 3)) {
                    emit(5, mask, sink); // you are now ..., act as ...
                }
                if ((c & GUIDE) != 0 && within(NEW, 2)) {
                    emit(6, mask, sink); // new instructions, updated rules
                }
                if ((c & GUIDE) != 0 && within(END, 3)) {
                    emit(7, mask, sink); // end of prompt, begin new instructions
                }
                if ((c & MARKER) != 0 && position - lastOpen <= 1) {
                    emit(8, mask, sink); // [system], <|im_start|>system, ### admin
                }
                if ((c & MARKER) != 0) {
                    lastColonOwner = position;
                }
                for (int k = 0; k < CLASSES; k++) {
                    if ((c & (1 << k)) != 0) {
                        last[k] = position;
                    }
                }
                return;
            }
            char first = f.charAt(start);
            boolean repeated = end - start >= 3;
            for (int k = start + 1; k < end && repeated; k++) {
                repeated = f.charAt(k) == first;
            }
            if (repeated) {
                emit(9, mask, sink); // ----- ===== ##### ]]]]: a fake boundary
            }
            if (first == ':' && position - lastColonOwner == 1) {
                emit(10, mask, sink); // "system:", "assistant:" as a header
            }
            if ((first == '"' || first == '\'' || first == ':') && within(SAY, 3)) {
                emit(11, mask, sink); // say "...", print: ...
            }
            if (first == '[' || first == '<' || first == '#' || first == '|' || first == '{' || f.charAt(end - 1) == '|') {
                lastOpen = position;
            }
        }
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
