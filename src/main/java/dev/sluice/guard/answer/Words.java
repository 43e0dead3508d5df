package dev.sluice.guard.answer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Word splitting shared by the overlap and groundedness checks. */
final class Words {
    static final Set<String> STOP = Set.of("a", "an", "the", "and", "or", "but", "if", "then", "of", "in", "on", "at",
            "to", "for", "from", "by", "with", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its",
            "this", "that", "these", "those", "there", "here", "which", "who", "whom", "what", "when", "where", "why",
            "how", "not", "no", "yes", "do", "does", "did", "has", "have", "had", "can", "could", "will", "would",
            "should", "may", "might", "must", "shall", "i", "you", "he", "she", "we", "they", "me", "him", "her", "us",
            "them", "my", "your", "his", "our", "their", "so", "than", "too", "very", "also", "just", "about", "into",
            "over", "such", "any", "all", "some", "more", "most", "other", "only", "own", "same", "each", "both",
            "according", "based", "document", "documents", "context", "text", "provided");

    private Words() {}

    /** Lower-case words (letters and digits), in order. */
    static List<String> of(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || (text.charAt(i) == '.' || text.charAt(i) == ',')
                    && i + 1 < n && Character.isDigit(text.charAt(i + 1)) && i > start && Character.isDigit(text.charAt(i - 1)))) {
                i++;
            }
            if (i > start) {
                out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** A crude stem so "reefs" meets "reef" and "opened" meets "open". */
    static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 4 && (w.endsWith("ing") || w.endsWith("ed"))) {
            return w.substring(0, w.length() - (w.endsWith("ing") ? 3 : 2));
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
