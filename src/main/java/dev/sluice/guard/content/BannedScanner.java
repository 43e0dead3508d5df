package dev.sluice.guard.content;

import dev.sluice.embed.Embedder;
import dev.sluice.guard.Finding;
import dev.sluice.guard.Folded;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Banned phrases (matched on folded text, so "ＳＥＣＲＥＴ ｐｒｏｊｅｃｔ" and "sеcret project" with a
 * Cyrillic е still match), banned regular expressions, and banned topics (cosine similarity of
 * the text's embedding to each topic description, off unless topics are configured).
 */
public final class BannedScanner implements Scanner.Masking {
    private final Pattern phrases;
    private final List<Pattern> patterns;
    private final List<String> topics;
    private final double topicThreshold;
    private final Supplier<Embedder> embedder;
    private volatile List<float[]> topicVectors;

    public BannedScanner(List<String> phrases, List<String> patterns, List<String> topics, double topicThreshold,
                         Supplier<Embedder> embedder) {
        this.phrases = phrases.isEmpty() ? null : Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + String.join("|",
                phrases.stream().map(p -> Pattern.quote(Folded.fold(p).strip())).toList()) + ")(?![\\p{L}\\p{N}])");
        this.patterns = patterns.stream().map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).toList();
        this.topics = List.copyOf(topics);
        this.topicThreshold = topicThreshold;
        this.embedder = embedder;
    }

    @Override
    public String name() {
        return "banned";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = new ArrayList<>(0);
        if (phrases != null) {
            Folded folded = Folded.of(text);
            Matcher m = phrases.matcher(folded.text());
            while (m.find()) {
                out.add(Finding.span("phrase", folded.rawIndex(m.start()), folded.rawIndex(m.end() - 1) + 1));
            }
        }
        for (Pattern p : patterns) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                if (m.end() > m.start()) {
                    out.add(Finding.span("pattern", m.start(), m.end()));
                }
            }
        }
        if (!topics.isEmpty() && !text.isBlank()) {
            float[] v = embedder.get().embed(text);
            List<float[]> vectors = topicVectors();
            for (int i = 0; i < vectors.size(); i++) {
                double sim = Embedder.cosine(v, vectors.get(i));
                if (sim >= topicThreshold) {
                    out.add(Finding.whole("topic:" + (i + 1), sim));
                }
            }
        }
        return out;
    }

    private List<float[]> topicVectors() {
        List<float[]> v = topicVectors;
        if (v == null) {
            v = embedder.get().embedAll(topics);
            topicVectors = v;
        }
        return v;
    }
}
