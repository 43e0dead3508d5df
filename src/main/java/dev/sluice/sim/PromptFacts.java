package dev.sluice.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What argument generation may borrow from the user's words: the text itself (for query-like
 * parameters) and its proper nouns (capitalised words not starting a sentence, e.g. "Paris" or
 * "New York"), for place- and name-like parameters.
 */
record PromptFacts(String text, List<String> properNouns) {
    private static final int MAX_TEXT = 200;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    PromptFacts {
        properNouns = List.copyOf(properNouns);
    }

    static PromptFacts of(String text) {
        String trimmed = text.strip();
        if (trimmed.length() > MAX_TEXT) {
            trimmed = trimmed.substring(0, MAX_TEXT);
        }
        return new PromptFacts(trimmed, properNouns(text));
    }

    private static List<String> properNouns(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean sentenceStart = true;
        for (String raw : WHITESPACE.split(text)) {
            String word = strip(raw);
            boolean proper = !sentenceStart && word.length() > 1 && Character.isUpperCase(word.charAt(0))
                    && hasLowerCase(word) && !word.startsWith("I'");
            if (proper) {
                if (!current.isEmpty()) {
                    current.append(' ');
                }
                current.append(word);
            }
            // a name ends at a non-name word or at punctuation after the word ("Paris, France")
            if ((!proper || !word.equals(raw)) && !current.isEmpty()) {
                out.add(current.toString());
                current.setLength(0);
            }
            if (!raw.isEmpty()) {
                char last = raw.charAt(raw.length() - 1);
                sentenceStart = last == '.' || last == '!' || last == '?' || last == ':';
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    private static String strip(String raw) {
        int from = 0;
        int to = raw.length();
        while (from < to && !Character.isLetterOrDigit(raw.charAt(from))) {
            from++;
        }
        while (to > from && !Character.isLetterOrDigit(raw.charAt(to - 1))) {
            to--;
        }
        return raw.substring(from, to);
    }

    private static boolean hasLowerCase(String word) {
        for (int i = 1; i < word.length(); i++) {
            if (Character.isLowerCase(word.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
