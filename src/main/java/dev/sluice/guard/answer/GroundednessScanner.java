package dev.sluice.guard.answer;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Groundedness for retrieval-augmented answers: each sentence of the answer must be supported by
 * the context documents the request supplied (tool results and messages named {@code context},
 * see README). A sentence's support is the share of its content words (stop words dropped, crude
 * stemming) found in the documents, with numbers counting double (an invented figure is the
 * typical hallucination). Sentences with fewer than {@code min_words} content words are not judged.
 * The finding's score is 1 − support; without context documents nothing is judged.
 *
 * <p>With a {@link GroundednessModel} ({@code method: model}) a sentence is instead scored from its
 * {@link SentenceSupport} evidence: overlap with the best-matching stretch of the context,
 * and invented numbers and names.
 */
public final class GroundednessScanner implements Scanner {
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s|$)|\\n");
    private final int minWords;
    private final Supplier<GroundednessModel> model;

    public GroundednessScanner(int minWords) {
        this(minWords, null);
    }

    /** @param model null for the word-overlap check */
    public GroundednessScanner(int minWords, Supplier<GroundednessModel> model) {
        this.minWords = minWords;
        this.model = model;
    }

    @Override
    public String name() {
        return "groundedness";
    }

    @Override
    public boolean appliesTo(ScanContext context) {
        return !context.contextDocuments().isEmpty();
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        if (context.contextDocuments().isEmpty()) {
            return List.of();
        }
        if (model != null) {
            return scanWithModel(text, context);
        }
        Set<String> vocabulary = new HashSet<>();
        for (String doc : context.contextDocuments()) {
            for (String w : Words.of(doc)) {
                vocabulary.add(Words.stem(w));
            }
        }
        List<Finding> out = new ArrayList<>(0);
        int start = 0;
        Matcher m = SENTENCE_END.matcher(text);
        while (start < text.length()) {
            int end = m.find() ? m.end() : text.length();
            judge(text, start, end, vocabulary, out);
            start = end;
            if (end == text.length()) {
                break;
            }
        }
        return out;
    }

    private List<Finding> scanWithModel(String text, ScanContext context) {
        GroundednessModel m = model.get();
        SentenceSupport.Context ctx = new SentenceSupport.Context(context.contextDocuments());
        List<Finding> out = new ArrayList<>(0);
        int start = 0;
        Matcher matcher = SENTENCE_END.matcher(text);
        while (start < text.length()) {
            int end = matcher.find() ? matcher.end() : text.length();
            double[] f = SentenceSupport.features(text.substring(start, end), ctx, minWords);
            if (f != null) {
                int s = start;
                while (s < end && Character.isWhitespace(text.charAt(s))) {
                    s++;
                }
                out.add(new Finding("unsupported_sentence", s, end, m.score(f)));
            }
            start = end;
        }
        return out;
    }

    private void judge(String text, int start, int end, Set<String> vocabulary, List<Finding> out) {
        String sentence = text.substring(start, end);
        int total = 0;
        int supported = 0;
        int content = 0;
        for (String w : Words.of(sentence)) {
            if (Words.STOP.contains(w) || w.length() < 2 && !Character.isDigit(w.charAt(0))) {
                continue;
            }
            int weight = Character.isDigit(w.charAt(0)) ? 2 : 1;
            content++;
            total += weight;
            if (vocabulary.contains(Words.stem(w))) {
                supported += weight;
            }
        }
        if (content < minWords || total == 0) {
            return;
        }
        double support = (double) supported / total;
        int s = start;
        while (s < end && Character.isWhitespace(text.charAt(s))) {
            s++;
        }
        out.add(new Finding("unsupported_sentence", s, end, 1 - support));
    }

    /** The current sentence is not finished until its end mark arrives. */
    @Override
    public int holdFrom(String text, ScanContext context) {
        if (context.contextDocuments().isEmpty()) {
            return text.length();
        }
        int last = -1;
        Matcher m = SENTENCE_END.matcher(text);
        while (m.find()) {
            last = m.end();
        }
        return last < 0 ? 0 : last;
    }
}
