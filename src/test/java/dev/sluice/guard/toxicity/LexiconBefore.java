package dev.sluice.guard.toxicity;

import dev.sluice.guard.Finding;
import dev.sluice.guard.Folded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lexicon matcher as it was before the allocation-free rewrite (merge2 at 78feb60), kept verbatim
 * as the reference {@link LexiconEquivalenceTest} holds {@link Lexicon} to.
 *
 * <p>A weighted toxicity lexicon ({@code toxicity-lexicon.tsv}: category, weight, term). Words and
 * phrases are matched word by word on folded text (full-width letters and look-alikes do not hide
 * a word), {@code word*} matches any ending; regular expressions run only around the anchor words
 * listed with them. One pass over the words of a text, whatever the lexicon's size.
 */
final class LexiconBefore {
    public static final String RESOURCE = "/dev/sluice/guard/toxicity-lexicon.tsv";
    private static final int BEFORE = 60;
    private static final int AFTER = 80;

    /** A word or phrase ({@code words}, last one maybe a prefix) or a regex with anchors. */
    private record Term(String category, double weight, String[] words, boolean prefix, Pattern regex) {}

    private final Map<String, List<Term>> byFirstWord = new HashMap<>();
    private final Map<String, List<Term>> byPrefix4 = new HashMap<>();
    private final Map<String, List<Term>> byAnchor = new HashMap<>();

    private LexiconBefore() {}

    /** The built-in lexicon plus extra words from config (category {@code custom}, weight 0.9). */
    static LexiconBefore load(List<String> extraWords) {
        LexiconBefore lexicon = new LexiconBefore();
        try (InputStream in = LexiconBefore.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the toxicity lexicon is missing from the jar: " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t");
                if (parts.length < 3) {
                    throw new IllegalStateException("bad lexicon line: " + line);
                }
                lexicon.add(parts[0], Double.parseDouble(parts[1]), parts[2], parts.length > 3 ? parts[3] : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String w : extraWords) {
            lexicon.add("custom", 0.9, w, "");
        }
        return lexicon;
    }

    private void add(String category, double weight, String term, String anchors) {
        String t = term.strip();
        if (t.length() > 2 && t.startsWith("/") && t.endsWith("/")) {
            if (anchors.isBlank()) {
                throw new IllegalStateException("a lexicon regex needs anchor words: " + term);
            }
            Term regex = new Term(category, weight, null, false, Pattern.compile(t.substring(1, t.length() - 1)));
            for (String a : anchors.strip().split(" ")) {
                byAnchor.computeIfAbsent(a, k -> new ArrayList<>()).add(regex);
            }
            return;
        }
        String[] words = Folded.fold(t).split(" +");
        boolean prefix = words[words.length - 1].endsWith("*");
        if (prefix) {
            String last = words[words.length - 1];
            words[words.length - 1] = last.substring(0, last.length() - 1);
        }
        Term word = new Term(category, weight, words, prefix, null);
        if (words.length == 1 && prefix) {
            String key = words[0].length() >= 4 ? words[0].substring(0, 4) : words[0];
            byPrefix4.computeIfAbsent(key, k -> new ArrayList<>()).add(word);
        } else {
            byFirstWord.computeIfAbsent(words[0], k -> new ArrayList<>()).add(word);
        }
    }

    /** Span findings, typed by category, scored by the term's weight. */
    List<Finding> find(String text) {
        Folded folded = Folded.of(text);
        String f = folded.text();
        List<int[]> tokens = tokens(f);
        List<Finding> out = new ArrayList<>(0);
        // per regex term, the window (around its anchors) not yet searched; windows that overlap merge, so
        // a megabyte of anchors is searched once per term, not once per anchor (issue 14: 0.5 s for "idiot " x 175k)
        Map<Term, int[]> pending = new IdentityHashMap<>();
        for (int t = 0; t < tokens.size(); t++) {
            int[] tok = tokens.get(t);
            String word = f.substring(tok[0], tok[1]);
            List<Term> exact = byFirstWord.get(word);
            if (exact != null) {
                for (Term term : exact) {
                    int end = phraseEnd(f, tokens, t, term);
                    if (end > 0) {
                        out.add(finding(folded, term, tok[0], end));
                    }
                }
            }
            List<Term> prefixed = byPrefix4.get(word.length() >= 4 ? word.substring(0, 4) : word);
            if (prefixed != null) {
                for (Term term : prefixed) {
                    if (word.startsWith(term.words()[0]) && (term.words()[0].length() >= 4 || word.length() >= term.words()[0].length())) {
                        out.add(finding(folded, term, tok[0], tok[1]));
                    }
                }
            }
            List<Term> regexes = byAnchor.get(word);
            if (regexes != null) {
                int lo = Math.max(0, tok[0] - BEFORE);
                int hi = Math.min(f.length(), tok[1] + AFTER);
                for (Term term : regexes) {
                    int[] range = pending.get(term);
                    if (range == null) {
                        pending.put(term, new int[] {lo, hi});
                    } else if (lo <= range[1]) {
                        range[1] = Math.max(range[1], hi); // overlapping windows are searched once, as one range
                    } else {
                        search(folded, term, range[0], range[1], out);
                        range[0] = lo;
                        range[1] = hi;
                    }
                }
            }
        }
        for (Map.Entry<Term, int[]> e : pending.entrySet()) {
            search(folded, e.getKey(), e.getValue()[0], e.getValue()[1], out);
        }
        return dedupe(out);
    }

    private static void search(Folded folded, Term term, int lo, int hi, List<Finding> out) {
        Matcher m = term.regex().matcher(folded.text());
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        m.region(lo, hi);
        while (m.find()) {
            out.add(finding(folded, term, m.start(), m.end()));
        }
    }

    /** The end of the phrase {@code term} starting at token t, or -1. */
    private static int phraseEnd(String f, List<int[]> tokens, int t, Term term) {
        String[] words = term.words();
        if (t + words.length > tokens.size()) {
            return -1;
        }
        for (int k = 1; k < words.length; k++) {
            int[] tok = tokens.get(t + k);
            String w = f.substring(tok[0], tok[1]);
            boolean last = k == words.length - 1;
            if (!(last && term.prefix() ? w.startsWith(words[k]) : w.equals(words[k]))) {
                return -1;
            }
        }
        if (words.length == 1 && term.prefix()) {
            return -1; // single-word prefixes are matched through byPrefix4
        }
        return tokens.get(t + words.length - 1)[1];
    }

    private static Finding finding(Folded folded, Term term, int start, int end) {
        return new Finding(term.category(), folded.rawIndex(start), folded.rawIndex(end - 1) + 1, term.weight());
    }

    private static List<int[]> tokens(String f) {
        List<int[]> out = new ArrayList<>();
        int n = f.length();
        int i = 0;
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(f.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && (Character.isLetterOrDigit(f.charAt(i)) || f.charAt(i) == '\'' && i + 1 < n
                    && Character.isLetter(f.charAt(i + 1)))) {
                i++;
            }
            if (i > start) {
                out.add(new int[] {start, i});
            }
        }
        return out;
    }

    /**
     * The same span found twice (by overlapping regex windows) counts once. A set, not a scan of
     * the findings so far: a megabyte of insults has 175,000 findings, and comparing each with all
     * the earlier ones took minutes (issue 14).
     */
    private static List<Finding> dedupe(List<Finding> in) {
        if (in.size() < 2) {
            return in;
        }
        record Key(int start, int end, String type) {}
        java.util.Set<Key> seen = new java.util.HashSet<>(in.size() * 2);
        List<Finding> out = new ArrayList<>(in.size());
        for (Finding f : in) {
            if (seen.add(new Key(f.start(), f.end(), f.type()))) {
                out.add(f);
            }
        }
        return out;
    }
}
