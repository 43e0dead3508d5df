package dev.sluice.guard.injection;

import dev.sluice.guard.Folded;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The readings of a text an attacker may hide instructions in: folded (case, confusables,
 * invisible characters), leetspeak undone, letter-spacing undone, and base64/hex payloads decoded.
 * Rules then run on every reading.
 */
final class Variants {
    private static final int MAX_PAYLOADS = 8;

    /** One reading, and how it was obtained (for the finding's detail). */
    record Reading(String text, String how, String spacedRuns) {
        Reading(String text, String how) {
            this(text, how, null);
        }
    }

    private Variants() {}

    static List<Reading> of(String raw) {
        List<Reading> out = new ArrayList<>(3);
        String folded = Folded.fold(raw, true);
        out.add(new Reading(folded, "plain"));
        if (leetDense(folded)) {
            String leet = unleet(folded);
            if (!leet.equals(folded)) {
                out.add(new Reading(leet, "leetspeak"));
            }
        }
        if (spacedLetters(folded)) {
            StringBuilder runs = new StringBuilder();
            String despaced = despace(folded, runs);
            if (!despaced.equals(folded)) {
                out.add(new Reading(despaced, "spacing", runs.toString()));
            }
        }
        decodePayloads(raw, out);
        return out;
    }

    private static String collapseWhitespace(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ws = Character.isWhitespace(c);
            if (ws && (c != ' ' || i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1)))) {
                if (sb == null) {
                    sb = new StringBuilder(s.length());
                    sb.append(s, 0, i);
                }
                if (sb.isEmpty() || sb.charAt(sb.length() - 1) != ' ') {
                    sb.append(' ');
                }
            } else if (sb != null) {
                if (!(ws && sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ')) {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Leetspeak hides words by the run: at least 3 of any 12 consecutive words mix letters with digits or symbols. */
    static boolean leetDense(String s) {
        int[] recent = new int[12];
        int words = 0;
        int inWindow = 0;
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            boolean letter = false;
            boolean leet = false;
            while (i < s.length() && s.charAt(i) != ' ') {
                char c = s.charAt(i);
                letter |= Character.isLetter(c);
                leet |= leetLetter(c) != 0;
                i++;
            }
            if (i == start) {
                continue;
            }
            int flag = letter && leet ? 1 : 0;
            inWindow += flag - recent[words % 12];
            recent[words % 12] = flag;
            words++;
            if (inWindow >= 3) {
                return true;
            }
        }
        return false;
    }

    /** Four or more single letters in a row separated by one space, dot or dash: "i g n o r e". */
    static boolean spacedLetters(String s) {
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean single = Character.isLetter(c) && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)))
                    && (i + 1 == s.length() || !Character.isLetterOrDigit(s.charAt(i + 1)));
            if (single) {
                run++;
                if (run >= 4) {
                    return true;
                }
                i++; // skip the separator
                if (i < s.length() && " .·_-".indexOf(s.charAt(i)) < 0) {
                    run = 0;
                }
            } else if (Character.isLetterOrDigit(c)) {
                run = 0;
            }
        }
        return false;
    }

    /** Digits and symbols standing for letters inside words that also contain letters: "1gn0r3" → "ignore". */
    static String unleet(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && s.charAt(j) != ' ') {
                j++;
            }
            boolean letters = false;
            boolean leet = false;
            for (int k = i; k < j; k++) {
                char c = s.charAt(k);
                letters |= Character.isLetter(c);
                leet |= leetLetter(c) != 0;
            }
            for (int k = i; k < j; k++) {
                char c = s.charAt(k);
                char l = letters && leet ? leetLetter(c) : 0;
                sb.append(l != 0 ? l : c);
            }
            if (j < s.length()) {
                sb.append(' ');
            }
            i = j + 1;
        }
        return sb.toString();
    }

    static char leetLetter(char c) {
        return switch (c) {
            case '4', '@' -> 'a';
            case '3' -> 'e';
            case '1', '!', '|' -> 'i';
            case '0' -> 'o';
            case '5', '$' -> 's';
            case '7', '+' -> 't';
            case '8' -> 'b';
            case '9' -> 'g';
            default -> 0;
        };
    }

    /** "i g n o r e" → "ignore", "i-g-n-o-r-e" → "ignore". */
    static String despace(String s) {
        return despace(s, new StringBuilder());
    }

    /**
     * As {@link #despace(String)}, also appending each letter-spaced run, joined, to {@code runs} (space separated).
     * Hand-written, in one pass, what the regexes {@code \\b\\p{L}(?:-\\p{L}){3,}\\b} (hyphenated letters, joined) and
     * {@code (?:\\b\\p{L}[ .·_-]){4,}\\p{L}\\b} (spaced letters, joined and set apart by spaces, then whitespace
     * collapsed) did: {@code VariantsTest} holds it to them. The regexes cost ~35 ms on a megabyte of "i g n o r e ".
     */
    static String despace(String s, StringBuilder runs) {
        String out = s.indexOf('-') >= 0 ? joinRuns(s, null) : s;
        return joinRuns(out, runs);
    }

    /**
     * With {@code runs == null}: "a-b-c-d" → "abcd" (runs of 4+ letters joined by single hyphens). Otherwise runs of
     * 5+ single letters separated by one of {@code " .·_-"} become " abcde " and, if there was any, whitespace runs
     * then collapse to one space and the text is stripped.
     */
    private static String joinRuns(String s, StringBuilder runs) {
        boolean hyphens = runs == null;
        int minIterations = hyphens ? 3 : 4;
        int n = s.length();
        StringBuilder sb = null;
        int copied = 0;
        int i = 0;
        while (i < n) {
            if (!Character.isLetter(s.charAt(i)) || !boundary(s, i)) {
                i++;
                continue;
            }
            int end = -1;
            if (hyphens) {
                // \b L (- L){3,} \b, greedy: k iterations of "-L" after the first letter
                int k = 0;
                int j = i + 1;
                while (j + 1 < n && s.charAt(j) == '-' && Character.isLetter(s.charAt(j + 1))) {
                    j += 2;
                    k++;
                }
                for (int kk = k; kk >= minIterations && end < 0; kk--) {
                    int e = i + 1 + 2 * kk;
                    if (boundary(s, e)) {
                        end = e;
                    }
                }
            } else {
                // (\b L S){4,} L \b, greedy: k iterations of "L S", each letter at a word boundary
                int k = 0;
                int j = i;
                while (j + 1 < n && Character.isLetter(s.charAt(j)) && (j == i || boundary(s, j))
                        && SEPARATORS.indexOf(s.charAt(j + 1)) >= 0) {
                    j += 2;
                    k++;
                }
                for (int kk = k; kk >= minIterations && end < 0; kk--) {
                    int p = i + 2 * kk;
                    if (p < n && Character.isLetter(s.charAt(p)) && boundary(s, p + 1)) {
                        end = p + 1;
                    }
                }
            }
            if (end < 0) {
                i++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(n);
            }
            sb.append(s, copied, i);
            StringBuilder joined = new StringBuilder((end - i + 1) / 2);
            for (int k = i; k < end; k++) {
                char c = s.charAt(k);
                if (hyphens ? c != '-' : SEPARATORS.indexOf(c) < 0) {
                    joined.append(c);
                }
            }
            if (hyphens) {
                sb.append(joined);
            } else {
                runs.append(joined).append(' ');
                sb.append(' ').append(joined).append(' ');
            }
            copied = end;
            i = end;
        }
        if (sb == null) {
            return s;
        }
        sb.append(s, copied, n);
        return hyphens ? sb.toString() : collapseAllWhitespace(sb);
    }

    private static final String SEPARATORS = " .·_-";

    /**
     * {@code \\b} of java.util.regex (JDK 19 and later) at {@code i}: a word character on one side only, where a word
     * character is {@code [A-Za-z0-9_]} as for {@code \\w} (so an accented or Cyrillic letter is not one).
     */
    private static boolean boundary(String s, int i) {
        boolean before = i > 0 && word(s.charAt(i - 1));
        boolean after = i < s.length() && word(s.charAt(i));
        return before != after;
    }

    private static boolean word(char c) {
        return c < 128 && (c == '_' || Character.isLetterOrDigit(c));
    }

    /** {@code WHITESPACE.matcher(s).replaceAll(" ").strip()} by hand. */
    private static String collapseAllWhitespace(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean pending = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r') {
                pending = true;
            } else {
                if (pending && !out.isEmpty()) {
                    out.append(' ');
                }
                pending = false;
                out.append(c);
            }
        }
        if (pending) {
            out.append(' ');
        }
        return out.toString().strip();
    }

    private static void decodePayloads(String raw, List<Reading> out) {
        int found = 0;
        int n = raw.length();
        int i = 0;
        while (i < n && found < MAX_PAYLOADS) {
            while (i < n && !payloadChar(raw.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && payloadChar(raw.charAt(i))) {
                i++;
            }
            if (i - start < 16) {
                continue;
            }
            String token = raw.substring(start, i);
            String decoded = null;
            String how = null;
            String hex = token.startsWith("0x") ? token.substring(2) : token;
            if (hex.length() % 2 == 0 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                decoded = printable(HexFormat.of().parseHex(hex));
                how = "hex";
            } else if (hasMixedCase(token)) {
                decoded = decodeBase64(token);
                how = "base64";
            }
            if (decoded != null) {
                out.add(new Reading(Folded.fold(decoded, true), how));
                found++;
            }
        }
    }

    private static boolean payloadChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
                || c == '_' || c == '-';
    }

    private static boolean hasMixedCase(String token) {
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
        }
        return upper && lower;
    }

    private static String decodeBase64(String token) {
        String t = token.replace('-', '+').replace('_', '/');
        int pad = (4 - t.length() % 4) % 4;
        if (pad == 3) {
            return null;
        }
        try {
            return printable(Base64.getDecoder().decode(t + "=".repeat(pad)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The bytes as text when they are mostly printable UTF-8 words, else null. */
    private static String printable(byte[] bytes) {
        if (bytes.length < 8) {
            return null;
        }
        String s = new String(bytes, StandardCharsets.UTF_8);
        int good = 0;
        int letters = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0xFFFD || c == '\n' || c == '\t') {
                good++;
            }
            if (Character.isLetter(c)) {
                letters++;
            }
        }
        return good >= s.length() * 0.95 && letters >= s.length() * 0.5 && s.indexOf(' ') > 0 ? s : null;
    }
}
