package dev.sluice.guard.answer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evidence that one answer sentence is (not) supported by the context documents, as numbers a
 * {@link GroundednessModel} weighs. Besides the whole-document word overlap of the original check,
 * it aligns the sentence with its best-matching stretch of the context (two consecutive context
 * sentences), so words scattered across a long document no longer count as support. Invented
 * numbers and names (capitalised words the context never uses) are counted apart, since
 * they are the commonest hallucinations.
 */
public final class SentenceSupport {
    static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s|$)|\\n");
    /** Feature names, in the order of {@link #features}. */
    public static final List<String> FEATURES = List.of("bag_unsupported", "aligned_unsupported", "new_number",
            "new_name_share");

    /** The context, prepared once per request. */
    public static final class Context {
        private final Set<String> vocabulary = new HashSet<>();
        private final Set<String> rawWords = new HashSet<>();
        private final List<Set<String>> windows = new ArrayList<>();

        public Context(List<String> documents) {
            List<String> sentences = new ArrayList<>();
            for (String doc : documents) {
                for (String w : Words.of(doc)) {
                    vocabulary.add(Words.stem(w));
                    rawWords.add(w);
                }
                sentences.addAll(split(doc));
            }
            for (int i = 0; i < sentences.size(); i++) {
                Set<String> window = new HashSet<>();
                for (int k = i; k < Math.min(sentences.size(), i + 2); k++) {
                    for (String w : Words.of(sentences.get(k))) {
                        window.add(Words.stem(w));
                    }
                }
                windows.add(window);
            }
        }
    }

    private SentenceSupport() {}

    /** The sentences of a text, trimmed, without the empty ones. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SENTENCE_END.matcher(text);
        int start = 0;
        while (start < text.length()) {
            int end = m.find() ? m.end() : text.length();
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
            start = end;
        }
        return out;
    }

    /** Content words (stop words and single letters dropped), lower case. */
    static List<String> contentWords(String sentence) {
        List<String> out = new ArrayList<>();
        for (String w : Words.of(sentence)) {
            if (!Words.STOP.contains(w) && (w.length() >= 2 || Character.isDigit(w.charAt(0)))) {
                out.add(w);
            }
        }
        return out;
    }

    /** The evidence for one sentence, or null when it has fewer than {@code minWords} content words (not judged). */
    public static double[] features(String sentence, Context context, int minWords) {
        List<String> words = contentWords(sentence);
        if (words.size() < minWords) {
            return null;
        }
        int total = 0;
        int supported = 0;
        boolean newNumber = false;
        for (String w : words) {
            boolean number = Character.isDigit(w.charAt(0));
            int weight = number ? 2 : 1;
            total += weight;
            if (context.vocabulary.contains(Words.stem(w))) {
                supported += weight;
            } else if (number) {
                newNumber = true;
            }
        }
        double bestAligned = 0;
        for (Set<String> window : context.windows) {
            int hit = 0;
            for (String w : words) {
                if (window.contains(Words.stem(w))) {
                    hit++;
                }
            }
            bestAligned = Math.max(bestAligned, (double) hit / words.size());
        }
        int names = 0;
        int newNames = 0;
        String[] tokens = sentence.split("\\s+");
        for (int i = 1; i < tokens.length; i++) {
            String t = tokens[i].replaceAll("[^\\p{L}\\p{N}]", "");
            if (t.length() > 1 && Character.isUpperCase(t.charAt(0))) {
                names++;
                if (!context.rawWords.contains(t.toLowerCase(java.util.Locale.ROOT))) {
                    newNames++;
                }
            }
        }
        return new double[] {1 - (double) supported / total, 1 - bestAligned, newNumber ? 1 : 0,
            names == 0 ? 0 : (double) newNames / names};
    }
}
