package dev.sluice.prompts.rollout;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How alike a shadow candidate's answer is to the production answer: the cosine similarity of
 * their word counts (lower-cased letters and digits), in [0, 1]. Cheap, deterministic and
 * model-free: it says "the candidate says much the same / something else", which is what a
 * shadow report needs to flag answers worth reading; it is not a judge of quality.
 */
public final class TextSimilarity {
    private TextSimilarity() {}

    public static double cosine(String a, String b) {
        Map<String, Integer> x = words(a);
        Map<String, Integer> y = words(b);
        if (x.isEmpty() || y.isEmpty()) {
            return x.isEmpty() && y.isEmpty() ? 1.0 : 0.0;
        }
        double dot = 0;
        for (Map.Entry<String, Integer> e : x.entrySet()) {
            Integer other = y.get(e.getKey());
            if (other != null) {
                dot += (double) e.getValue() * other;
            }
        }
        return Math.min(1.0, dot / (norm(x) * norm(y)));
    }

    private static double norm(Map<String, Integer> counts) {
        double sum = 0;
        for (int c : counts.values()) {
            sum += (double) c * c;
        }
        return Math.sqrt(sum);
    }

    private static Map<String, Integer> words(String text) {
        Map<String, Integer> out = new HashMap<>();
        if (text == null) {
            return out;
        }
        StringBuilder word = new StringBuilder();
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                word.append(c);
            } else if (!word.isEmpty()) {
                out.merge(word.toString(), 1, Integer::sum);
                word.setLength(0);
            }
        }
        return out;
    }
}
