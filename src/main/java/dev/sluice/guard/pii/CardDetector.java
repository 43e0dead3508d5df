package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;

/**
 * Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes (one separator kind
 * per number), a known issuer prefix, and a valid Luhn check digit.
 */
public final class CardDetector implements Detector {
    @Override
    public String type() {
        return "credit_card";
    }

    @Override
    public void find(String text, List<Finding> out) {
        StringBuilder digits = new StringBuilder(19);
        Runs.digitRuns(text, " -", 13, (start, end) -> find(text, start, end, digits, out));
    }

    /**
     * The candidates of {@code (?<![\d.,-])\d(?:[ -]?\d){12,18}(?![\d-])} in [start, end), found
     * by hand (the regex backtracked through every group of a megabyte of digit groups): from each
     * digit not preceded by a digit, dot, comma or dash, the longest run of 13–19 digits (single
     * space or dash between them) not followed by a digit or dash; the search goes on after a
     * candidate, or at the next position when there is none. Each start looks at most 37 characters.
     */
    private void find(String text, int start, int end, StringBuilder digits, List<Finding> out) {
        int p = start;
        while (p < end) {
            char before = p == 0 ? ' ' : text.charAt(p - 1);
            if (!Runs.isDigit(text.charAt(p)) || Runs.isDigit(before) || before == '.' || before == ',' || before == '-') {
                p++;
                continue;
            }
            int q = p;
            int count = 0;
            int matchEnd = -1;
            boolean space = false;
            boolean dash = false;
            boolean spaceAtMatch = false;
            boolean dashAtMatch = false;
            while (true) {
                count++;
                q++; // past the digit
                if (count >= 13 && (q >= text.length() || !Runs.isDigit(text.charAt(q)) && text.charAt(q) != '-')) {
                    matchEnd = q;
                    spaceAtMatch = space;
                    dashAtMatch = dash;
                }
                if (count == 19 || q >= end) {
                    break;
                }
                char c = text.charAt(q);
                if (Runs.isDigit(c)) {
                    continue;
                }
                if ((c == ' ' || c == '-') && q + 1 < end && Runs.isDigit(text.charAt(q + 1))) {
                    space |= c == ' ';
                    dash |= c == '-';
                    q++;
                    continue;
                }
                break;
            }
            if (matchEnd < 0) {
                p++;
                continue;
            }
            if (!(spaceAtMatch && dashAtMatch)) {
                digits.setLength(0);
                for (int k = p; k < matchEnd; k++) {
                    char c = text.charAt(k);
                    if (Runs.isDigit(c)) {
                        digits.append(c);
                    }
                }
                if (knownIssuer(digits) && luhn(digits)) {
                    out.add(Finding.span(type(), p, matchEnd));
                }
            }
            p = matchEnd;
        }
    }

    /** True when the digits pass the Luhn (mod 10) check. */
    public static boolean luhn(CharSequence digits) {
        int sum = 0;
        boolean dbl = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    /** Issuer identification numbers of the major networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
    static boolean knownIssuer(CharSequence d) {
        int len = d.length();
        int p2 = (d.charAt(0) - '0') * 10 + d.charAt(1) - '0';
        int p4 = p2 * 100 + (d.charAt(2) - '0') * 10 + d.charAt(3) - '0';
        if (d.charAt(0) == '4') {
            return len == 13 || len == 16 || len == 19;
        }
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
            return len == 16;
        }
        if (p2 == 34 || p2 == 37) {
            return len == 15;
        }
        if (p2 == 36 || p2 == 38 || p2 == 39 || (p4 >= 3000 && p4 <= 3059) || p4 == 3095) {
            return len >= 14 && len <= 19;
        }
        if (p4 >= 3528 && p4 <= 3589) {
            return len >= 16 && len <= 19;
        }
        if (p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499) || p2 == 62 || p2 == 50 || (p2 >= 56 && p2 <= 69)) {
            return len >= 12 && len <= 19;
        }
        return false;
    }
}
