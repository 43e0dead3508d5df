package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;

/**
 * US Social Security numbers, by the SSA's rules: area not 000, 666 or 900–999; group not 00;
 * serial not 0000. {@code AAA-GG-SSSS} counts on its own; spaced or undelimited nine digits count
 * only after a word such as "SSN" or "social security", since bare nine-digit numbers are common.
 */
public final class SsnDetector implements Detector {
    private static final int KEYWORD_WINDOW = 48;

    @Override
    public String type() {
        return "us_ssn";
    }

    @Override
    public void find(String text, List<Finding> out) {
        Runs.digitRuns(text, " -", 9, (start, end) -> find(text, start, end, out));
    }

    /**
     * The matches of {@code (?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])} in [start, end),
     * found by hand: at each digit not preceded by a digit or dash, three digits, an optional
     * dash or space, two digits, the same separator, four digits, then no digit or dash. Constant
     * work per position.
     */
    private void find(String text, int start, int end, List<Finding> out) {
        int p = start;
        while (p < end) {
            char before = p == 0 ? ' ' : text.charAt(p - 1);
            int e = Runs.isDigit(before) || before == '-' ? -1 : match(text, p, end);
            if (e < 0) {
                p++;
                continue;
            }
            boolean delimited = e - p == 11;
            char sep = delimited ? text.charAt(p + 3) : 0;
            int o = delimited ? 1 : 0;
            int area = number(text, p, 3);
            int group = number(text, p + 3 + o, 2);
            int serial = number(text, p + 5 + 2 * o, 4);
            if (!(area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
                    && (sep == '-' || keywordBefore(text, p))) {
                out.add(Finding.span(type(), p, e));
            }
            p = e;
        }
    }

    /** The end of an SSN-shaped match starting at {@code p}, or -1. */
    private static int match(String text, int p, int end) {
        if (!digits(text, p, 3, end)) {
            return -1;
        }
        int q = p + 3;
        char sep = q < end ? text.charAt(q) : 0;
        int o = sep == '-' || sep == ' ' ? 1 : 0;
        q += o;
        if (!digits(text, q, 2, end)) {
            return -1;
        }
        q += 2;
        if (o == 1) {
            if (q >= end || text.charAt(q) != sep) {
                return -1;
            }
            q++;
        }
        if (!digits(text, q, 4, end)) {
            return -1;
        }
        q += 4;
        if (q < text.length() && (Runs.isDigit(text.charAt(q)) || text.charAt(q) == '-')) {
            return -1;
        }
        return q;
    }

    private static boolean digits(String text, int from, int n, int end) {
        if (from + n > end) {
            return false;
        }
        for (int i = from; i < from + n; i++) {
            if (!Runs.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int number(String text, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            v = v * 10 + text.charAt(i) - '0';
        }
        return v;
    }

    private static final String[] KEYWORDS = {"ssn", "ss#", "social security", "soc sec", "soc. sec", "socsec", "soc.sec", "ssa"};

    /**
     * Whether one of {@link #KEYWORDS} (case-insensitive, at a word start, as the pattern
     * {@code \\b(?:ssn|ss#|social security|soc\\.? sec\\.?|ssa)} had it) lies in the
     * {@link #KEYWORD_WINDOW} characters before {@code index}; no allocation, so a megabyte of
     * spaced nine-digit numbers costs a few passes over 48 characters each.
     */
    static boolean keywordBefore(String text, int index) {
        int from = Math.max(0, index - KEYWORD_WINDOW);
        for (int i = from; i < index; i++) {
            char c = text.charAt(i);
            if (c != 's' && c != 'S') {
                continue;
            }
            if (i > from && isWord(text.charAt(i - 1))) { // the window's first character counts as a word start, as before
                continue;
            }
            for (String k : KEYWORDS) {
                if (i + k.length() <= index && text.regionMatches(true, i, k, 0, k.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isWord(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }
}
