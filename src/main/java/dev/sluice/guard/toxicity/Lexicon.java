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
 * A weighted toxicity lexicon ({@code toxicity-lexicon.tsv}: category, weight, term). Words and
 * phrases are matched word by word on folded text (full-width letters and look-alikes do not hide
 * a word), {@code word*} matches any ending; regular expressions run only around the anchor words
 * listed with them. One pass over the words of a text, whatever the lexicon's size.
 */
public final class Lexicon {
    public static final String RESOURCE = "/dev/sluice/guard/toxicity-lexicon.tsv";
    private static final int BEFORE = 60;
    private static final int AFTER = 80;

    /** A word or phrase ({@code words}, last one maybe a prefix) or a regex with anchors. */
    private record Term(String category, double weight, String[] words, boolean prefix, Pattern regex) {}

    private final Map<String, List<Term>> byFirstWord = new HashMap<>();
    private final Map<String, List<Term>> byPrefix4 = new HashMap<>();
    private final Map<String, List<Term>> byAnchor = new HashMap<>();
    // the maps above, frozen for probing by char range once load() has added every term
    private RangeIndex exactIndex;
    private RangeIndex prefixIndex;
    private RangeIndex anchorIndex;

    private Lexicon() {}

    /** The built-in lexicon plus extra words from config (category {@code custom}, weight 0.9). */
    public static Lexicon load(List<String> extraWords) {
        Lexicon lexicon = new Lexicon();
        try (InputStream in = Lexicon.class.getResourceAsStream(RESOURCE)) {
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
        lexicon.exactIndex = new RangeIndex(lexicon.byFirstWord);
        lexicon.prefixIndex = new RangeIndex(lexicon.byPrefix4);
        lexicon.anchorIndex = new RangeIndex(lexicon.byAnchor);
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
        int n = f.length();
        List<Finding> out = new ArrayList<>(0);
        // per regex term, the window (around its anchors) not yet searched; windows that overlap merge, so
        // a megabyte of anchors is searched once per term, not once per anchor (issue 14: 0.5 s for "idiot " x 175k)
        Map<Term, int[]> pending = new IdentityHashMap<>();
        // one pass: each word is a char range whose hash (String.hashCode's, and that of its first four chars) is
        // computed while reading it, never a substring (a megabyte of IP addresses is half a million words)
        int i = 0;
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(f.charAt(i))) {
                i++;
            }
            int start = i;
            int h = 0;
            int h4 = 0;
            while (i < n) {
                char c = f.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '\'' && i + 1 < n && Character.isLetter(f.charAt(i + 1)))) {
                    break;
                }
                h = 31 * h + c;
                if (i - start == 3) {
                    h4 = h;
                }
                i++;
            }
            int end = i;
            int len = end - start;
            if (len == 0) {
                continue;
            }
            if (len <= 4) {
                h4 = h;
            }
            List<Term> exact = exactIndex.get(h, f, start, len);
            if (exact != null) {
                for (Term term : exact) {
                    int phrase = phraseEnd(f, end, term);
                    if (phrase > 0) {
                        out.add(finding(folded, term, start, phrase));
                    }
                }
            }
            List<Term> prefixed = prefixIndex.get(h4, f, start, Math.min(len, 4));
            if (prefixed != null) {
                for (Term term : prefixed) {
                    String first = term.words()[0];
                    if (len >= first.length() && f.startsWith(first, start)) {
                        out.add(finding(folded, term, start, end));
                    }
                }
            }
            List<Term> regexes = anchorIndex.get(h, f, start, len);
            if (regexes != null) {
                int lo = Math.max(0, start - BEFORE);
                int hi = Math.min(n, end + AFTER);
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

    /** The end of the phrase {@code term} whose first word ends at {@code from}, or -1. */
    private static int phraseEnd(String f, int from, Term term) {
        String[] words = term.words();
        if (words.length == 1 && term.prefix()) {
            return -1; // single-word prefixes are matched through byPrefix4
        }
        int end = from;
        for (int k = 1; k < words.length; k++) {
            long tok = nextToken(f, end);
            if (tok < 0) {
                return -1;
            }
            int start = (int) (tok >>> 32);
            end = (int) tok;
            int len = end - start;
            boolean last = k == words.length - 1;
            boolean matches = last && term.prefix()
                    ? len >= words[k].length() && f.startsWith(words[k], start)
                    : len == words[k].length() && f.startsWith(words[k], start);
            if (!matches) {
                return -1;
            }
        }
        return end;
    }

    private static Finding finding(Folded folded, Term term, int start, int end) {
        return new Finding(term.category(), folded.rawIndex(start), folded.rawIndex(end - 1) + 1, term.weight());
    }

    /** The next word at or after {@code i} as {@code start << 32 | end}, or -1 if there is none. */
    private static long nextToken(String f, int i) {
        int n = f.length();
        while (i < n && !Character.isLetterOrDigit(f.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < n && (Character.isLetterOrDigit(f.charAt(i)) || f.charAt(i) == '\'' && i + 1 < n
                && Character.isLetter(f.charAt(i + 1)))) {
            i++;
        }
        return i > start ? (long) start << 32 | i : -1;
    }

    /**
     * A read-only copy of a word map that is probed with a range of the text instead of a substring: a megabyte of
     * one-character tokens (IP address tables) made half a million substrings and three map probes each (issue 14).
     * Open addressing, linear probing; the hash is {@link String#hashCode} computed over the range.
     */
    private static final class RangeIndex {
        private final String[] keys;
        private final List<?>[] values;
        private final int mask;

        RangeIndex(Map<String, List<Term>> map) {
            int size = Integer.highestOneBit(Math.max(4, map.size() * 4) - 1) << 1;
            keys = new String[size];
            values = new List<?>[size];
            mask = size - 1;
            for (Map.Entry<String, List<Term>> e : map.entrySet()) {
                int slot = spread(e.getKey().hashCode()) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = e.getKey();
                values[slot] = List.copyOf(e.getValue());
            }
        }

        /** The value for {@code text[start, start + len)}, whose {@link String#hashCode} is {@code h}. */
        @SuppressWarnings("unchecked")
        List<Term> get(int h, String text, int start, int len) {
            for (int slot = spread(h) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
                String key = keys[slot];
                if (key.length() == len && text.startsWith(key, start)) {
                    return (List<Term>) values[slot];
                }
            }
            return null;
        }

        private static int spread(int h) {
            return h ^ (h >>> 16) ^ (h >>> 7);
        }
    }

    /**
     * The same span found twice (by overlapping regex windows) counts once; the first is kept. An open-addressing
     * table of finding indices, not a set of keys: a megabyte of insults has 175,000 findings, and a key object plus
     * a hash-set node for each was half the lexicon's time (issue 14). A list without duplicates is returned as is.
     */
    private static List<Finding> dedupe(List<Finding> in) {
        int n = in.size();
        if (n < 2) {
            return in;
        }
        int bits = 32 - Integer.numberOfLeadingZeros(n * 2 - 1); // 2^bits >= 2n: at most half full
        int[] table = new int[1 << bits]; // index + 1 of the first finding with that span and type; 0 = empty
        int mask = table.length - 1;
        List<Finding> out = null; // copied only once a duplicate shows up
        for (int i = 0; i < n; i++) {
            Finding f = in.get(i);
            int h = (f.start() * 31 + f.end()) * 31 + f.type().hashCode();
            int slot = (h * 0x9E3779B9) >>> (32 - bits);
            boolean duplicate = false;
            for (int k; (k = table[slot]) != 0; slot = (slot + 1) & mask) {
                Finding g = in.get(k - 1);
                if (g.start() == f.start() && g.end() == f.end() && g.type().equals(f.type())) {
                    duplicate = true;
                    break;
                }
            }
            if (duplicate) {
                if (out == null) {
                    out = new ArrayList<>(in.subList(0, i));
                }
                continue;
            }
            table[slot] = i + 1;
            if (out != null) {
                out.add(f);
            }
        }
        return out == null ? in : out;
    }
}
