package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes (one separator kind
 * per number), a known issuer prefix, and a valid Luhn check digit.
 */
public final class CardDetector implements Detector {
    private static final Pattern CANDIDATE = Pattern.compile("(?<![\\d.,-])\\d(?:[ -]?\\d){12,18}(?![\\d-])");

    @Override
    public String type() {
        return "credit_card";
    }

    @Override
    public void find(String text, List<Finding> out) {
        Matcher m = CANDIDATE.matcher(text);
        Runs.digitRuns(text, " -", 13, (start, end) -> find(text, Runs.region(m, start, end), out));
    }

    private void find(String text, Matcher m, List<Finding> out) {
        while (m.find()) {
            String candidate = m.group();
            if (!consistentSeparators(candidate)) {
                continue;
            }
            String digits = candidate.replace(" ", "").replace("-", "");
            if (knownIssuer(digits) && luhn(digits)) {
                out.add(Finding.span(type(), m.start(), m.end()));
            }
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

    private static boolean consistentSeparators(String s) {
        boolean space = s.indexOf(' ') >= 0;
        boolean dash = s.indexOf('-') >= 0;
        return !(space && dash);
    }

    /** Issuer identification numbers of the major networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
    static boolean knownIssuer(String d) {
        int len = d.length();
        int p2 = Integer.parseInt(d.substring(0, 2));
        int p4 = Integer.parseInt(d.substring(0, 4));
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
