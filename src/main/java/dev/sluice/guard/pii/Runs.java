package dev.sluice.guard.pii;

import java.util.regex.Matcher;

/**
 * Cheap pre-scans that find the few regions of a text where an entity could be, so the exact
 * pattern (or libphonenumber) runs only there instead of at every position of a long prompt.
 */
final class Runs {
    private Runs() {}

    /** Calls {@code region} for each maximal run of digits joined by single separators from {@code seps} with at least {@code minDigits} digits. */
    static void digitRuns(String text, String seps, int minDigits, Region region) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && !isDigit(text.charAt(i))) {
                i++;
            }
            int start = i;
            int digits = 0;
            int end = i;
            while (i < n) {
                char c = text.charAt(i);
                if (isDigit(c)) {
                    digits++;
                    i++;
                    end = i;
                } else if (seps.indexOf(c) >= 0 && i + 1 < n && (isDigit(text.charAt(i + 1))
                        || seps.indexOf(text.charAt(i + 1)) >= 0 && i + 2 < n && isDigit(text.charAt(i + 2)))) {
                    i++;
                } else {
                    break;
                }
            }
            if (digits >= minDigits) {
                region.at(start, end);
            }
            if (i == start) {
                i++;
            }
        }
    }

    /** Runs {@code m} in [start, end) with transparent bounds, so look-arounds see the neighbours. */
    static Matcher region(Matcher m, int start, int end) {
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        m.region(start, end);
        return m;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    @FunctionalInterface
    interface Region {
        void at(int start, int end);
    }
}
