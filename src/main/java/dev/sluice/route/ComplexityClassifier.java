package dev.sluice.route;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.embed.Embedder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Scores how hard a chat request looks, 0 (easy) to 1 (hard), from cheap features of the last
 * user turn and the conversation: length, depth, tools, and code, math and reasoning cues. With
 * labelled examples, the share of "hard" among the request's nearest examples (all-MiniLM
 * embeddings) is blended in. The features that drove the score are named in the decision, so
 * every route can be explained.
 */
public final class ComplexityClassifier {
    private static final String[] CODE_CUES = {"```", "def ", "class ", "function", "stack trace", "traceback",
            "exception", "compile", "regex", "sql", "algorithm", "implement", "refactor", "debug", "bug", "api",
            "python", "java", "javascript", "typescript", "rust", "golang", "c++", "kubernetes", "docker", "unit test",
            "complexity of", "data structure", "recursion", "concurrency", "thread", "script", "schema", "database",
            "query", "locking", "server"};
    private static final String[] MATH_CUES = {"prove", "proof", "derivative", "integral", "equation", "theorem",
            "probability", "solve", "matrix", "eigen", "lemma", "calculate", "optimi", "statistic", "variance",
            "expected value", "combinatori", "modulo", "limit of", "series", "derive", "induction"};
    private static final String[] REASONING_CUES = {"step by step", "analy", "compare", "trade-off", "tradeoff",
            "design", "architect", "why ", "in detail", "evaluate", "plan ", "strategy", "pros and cons", "critique",
            "reason", "justify", "assess", "implications", "recommend", "migrate", "diagnose", "root cause", "scal",
            "step-by-step", "differences between", "detailed"};
    private static final Pattern SYMBOLS = Pattern.compile("[{}();=<>\\[\\]^*/+\\-]");
    // cues match at the start of a word, so "api" does not fire inside "capital"
    private static final Pattern CODE = cues(CODE_CUES);
    private static final Pattern MATH = cues(MATH_CUES);
    private static final Pattern REASONING = cues(REASONING_CUES);

    private final Embedder embedder;
    private final List<Example> examples;

    /** A labelled prompt and its embedding. */
    public record Example(String prompt, boolean hard, float[] vector) {}

    /** The verdict: the score, whether it is hard, and why. */
    public record Decision(double score, boolean hard, List<String> reasons) {
        public String describe() {
            return (hard ? "hard" : "easy") + "; score=" + String.format(Locale.ROOT, "%.2f", score)
                    + (reasons.isEmpty() ? "" : "; " + String.join(",", reasons));
        }
    }

    /** Rules only. */
    public ComplexityClassifier() {
        this(null, List.of());
    }

    /** Rules blended with the nearest labelled examples (embedded on construction). */
    public ComplexityClassifier(Embedder embedder, List<Example> examples) {
        this.embedder = embedder;
        this.examples = List.copyOf(examples);
    }

    public static Example example(Embedder embedder, String prompt, boolean hard) {
        return new Example(prompt, hard, embedder.embed(prompt));
    }

    public Decision classify(ChatRequest request, double threshold) {
        String last = lastUserText(request);
        String lower = last.toLowerCase(Locale.ROOT);
        List<String> reasons = new ArrayList<>();
        double score = 0;
        int chars = 0;
        for (ChatMessage m : request.messages()) {
            chars += m.text().length();
        }
        double length = Math.min(1, chars / 6000.0);
        score += weigh(0.35, length, "long_prompt", reasons);
        long turns = request.messages().stream().filter(m -> m.role().equals("user")).count();
        score += weigh(0.2, Math.min(1, (turns - 1) / 6.0), "deep_conversation", reasons);
        score += weigh(0.35, request.tools().isEmpty() ? 0 : 1, "tools", reasons);
        // one clear code or math cue is enough to be hard; reasoning words are weaker evidence
        score += weigh(0.6, Math.min(1, (hits(lower, CODE) + symbolDensity(last)) * 0.85), "code", reasons);
        score += weigh(0.6, Math.min(1, hits(lower, MATH) * 0.85), "math", reasons);
        score += weigh(0.5, Math.min(1, hits(lower, REASONING) / 2.0), "reasoning", reasons);
        score = Math.min(1, score);
        if (!examples.isEmpty() && embedder != null) {
            double neighbours = nearestHardShare(embedder.embed(last), 5);
            if (neighbours >= 0.6) {
                reasons.add("similar_to_hard_examples");
            } else if (neighbours <= 0.4) {
                reasons.add("similar_to_easy_examples");
            }
            score = 0.5 * score + 0.5 * neighbours;
        }
        return new Decision(score, score >= threshold, List.copyOf(reasons));
    }

    private static double weigh(double weight, double value, String name, List<String> reasons) {
        if (value > 0.25) {
            reasons.add(name);
        }
        return weight * value;
    }

    private static Pattern cues(String[] cues) {
        StringBuilder alternatives = new StringBuilder();
        for (String cue : cues) {
            alternatives.append(alternatives.isEmpty() ? "" : "|").append(Pattern.quote(cue));
        }
        return Pattern.compile("(?<![\\w+#])(?:" + alternatives + ")");
    }

    /** How many cue occurrences the text has. */
    private static int hits(String lower, Pattern cues) {
        return (int) cues.matcher(lower).results().count();
    }

    /** Code-like punctuation per character, scaled so dense code counts as one more cue. */
    private static double symbolDensity(String text) {
        if (text.length() < 40) {
            return 0;
        }
        long symbols = SYMBOLS.matcher(text).results().count();
        return Math.min(1, symbols / (text.length() * 0.05));
    }

    private double nearestHardShare(float[] v, int k) {
        List<Example> nearest = examples.stream()
                .sorted(Comparator.comparingDouble((Example e) -> -Embedder.cosine(v, e.vector())))
                .limit(k).toList();
        return nearest.stream().filter(Example::hard).count() / (double) nearest.size();
    }

    private static String lastUserText(ChatRequest request) {
        String last = request.lastUserText();
        return last != null ? last : request.messages().getLast().text();
    }
}
