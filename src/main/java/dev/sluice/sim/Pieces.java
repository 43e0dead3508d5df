package dev.sluice.sim;

import dev.sluice.api.TokenCounter;
import java.util.ArrayList;
import java.util.List;

/**
 * Splitting answers into streamable pieces and cutting them short (a token budget, a stop
 * sequence). Pure functions over lists of strings.
 */
final class Pieces {
    private static final int JSON_PIECE = 12;

    private Pieces() {}

    /** Splits text before each space, the way tokenizers attach a word's leading space. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** Splits JSON text after structural characters, and at least every few characters. */
    static List<String> json(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean boundary = c == ',' || c == ':' || c == '{' || c == '[';
            if (boundary || i + 1 - start >= JSON_PIECE) {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    /**
     * Splits a tool call's arguments into 2 or 3 fragments, as providers stream them: enough to
     * make a client concatenate, few enough to stay readable in a test.
     */
    static List<String> fragments(String arguments) {
        int n = arguments.length() >= 12 ? 3 : 2;
        if (arguments.length() < n) {
            return List.of(arguments);
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(arguments.substring(arguments.length() * i / n, arguments.length() * (i + 1) / n));
        }
        return out;
    }

    /** The longest prefix of {@code pieces} within {@code maxTokens}; the last piece may be cut. */
    static List<String> truncate(List<String> pieces, int maxTokens) {
        List<String> out = new ArrayList<>(Math.min(pieces.size(), maxTokens));
        int used = 0;
        for (String piece : pieces) {
            int cost = TokenCounter.count(piece);
            if (used + cost > maxTokens) {
                if (used < maxTokens) {
                    String part = TokenCounter.truncate(piece, maxTokens - used);
                    if (!part.isEmpty()) {
                        out.add(part);
                    }
                }
                break;
            }
            out.add(piece);
            used += cost;
        }
        return out;
    }

    /** Where the earliest of {@code stops} begins in {@code text}, and which one; null when none occurs. */
    static StopHit firstStop(String text, List<String> stops) {
        StopHit hit = null;
        for (String stop : stops) {
            if (stop.isEmpty()) {
                continue;
            }
            int at = text.indexOf(stop);
            if (at >= 0 && (hit == null || at < hit.at())) {
                hit = new StopHit(at, stop);
            }
        }
        return hit;
    }

    record StopHit(int at, String stop) {}

    /** The pieces up to (not including) character {@code at} of their concatenation. */
    static List<String> cutAt(List<String> pieces, int at) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (String piece : pieces) {
            if (start + piece.length() <= at) {
                out.add(piece);
                start += piece.length();
                continue;
            }
            if (at > start) {
                out.add(piece.substring(0, at - start));
            }
            break;
        }
        return out;
    }
}
