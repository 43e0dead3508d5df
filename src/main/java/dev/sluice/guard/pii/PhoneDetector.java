package dev.sluice.guard.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.sluice.guard.Finding;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Phone numbers found and validated by libphonenumber against each region's numbering plan
 * ({@code Leniency.VALID}: a valid number of an allocated range, not just digits). National
 * numbers ({@code (415) 867-5309}, {@code 030 23125 4000}) are found for each configured region.
 * Numbers in international format ({@code +44 7700 900123}) only need a possible length for their
 * country: the plus is itself strong evidence. Digits right after words like "invoice" or "order"
 * are references, not phones.
 */
public final class PhoneDetector implements Detector {
    /** Regions whose national formats are recognised when a policy names none. */
    public static final List<String> DEFAULT_REGIONS = List.of("US", "GB", "DE", "FR");

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Pattern REFERENCE = Pattern.compile("(?i)\\b(?:invoice|order|ticket|ref|reference|tracking|serial"
            + "|isbn|sku|account|id|case|batch|lot|build|version|no\\.?|#)\\W{0,3}$");
    private final List<String> regions;

    public PhoneDetector(List<String> regions) {
        this.regions = List.copyOf(regions);
        for (String region : regions) {
            if (!UTIL.getSupportedRegions().contains(region)) {
                throw new IllegalArgumentException("libphonenumber does not know the region " + region);
            }
        }
    }

    @Override
    public String type() {
        return "phone";
    }

    @Override
    public void find(String text, List<Finding> out) {
        if (!enoughDigits(text)) {
            return; // the common case: no run of digits that could be a phone number
        }
        int before = out.size();
        int[] windows = {0};
        // libphonenumber's matcher is thorough but slow on long texts; give it only the digit runs
        // that could be a number, with a little context on each side
        Runs.digitRuns(text, " -.()/+", 7, (start, end) -> {
            // a run longer than a phone number (a table of figures) is read in overlapping windows,
            // so libphonenumber never sees more than a few dozen characters at once; and a text
            // gets at most MAX_WINDOWS of them, which bounds the cost of a megabyte of digits
            for (int from = start; from < end && windows[0] < MAX_WINDOWS; from += WINDOW / 2) {
                int to = Math.min(end, from + WINDOW);
                if (!grouped(text, from, to)) {
                    continue;
                }
                windows[0]++;
                scanRun(text, from, to, before, out);
                if (from + WINDOW >= end) {
                    break;
                }
            }
        });
    }

    /** Characters of a digit run given to libphonenumber at once: longer than any formatted number. */
    private static final int WINDOW = 48;
    /**
     * Digit runs (or windows of long runs) checked per text. libphonenumber costs up to a
     * millisecond a window (it tries every region and every split of the digits); past this many,
     * the rest of a text is not searched for phone numbers.
     */
    public static final int MAX_WINDOWS = 32;

    /**
     * Whether [from, to) has at least six digits in groups of two or more: every national format
     * does ({@code 415 867 5309}, {@code 01 23 45 67 89}); {@code 1 2 3 4 5 6 7} is a list, not a
     * number, and is not worth a libphonenumber call.
     */
    private static boolean grouped(String text, int from, int to) {
        int digits = 0;
        int group = 0;
        for (int i = from; i <= to; i++) {
            if (i < to && Runs.isDigit(text.charAt(i))) {
                group++;
            } else {
                if (group >= 2) {
                    digits += group;
                }
                group = 0;
            }
        }
        return digits >= 6;
    }

    private void scanRun(String text, int runStart, int runEnd, int before, List<Finding> out) {
        int lo = runStart;
        while (lo > 0 && runStart - lo < 3 && "+( ".indexOf(text.charAt(lo - 1)) >= 0) {
            lo--;
        }
        lo = Math.max(0, lo - 2);
        int hi = Math.min(text.length(), runEnd + 3);
        String window = text.substring(lo, hi);
        if (window.indexOf('+') >= 0
                // international format: the same whatever the region, and a possible length is enough
                && collect(text, window, lo, regions.isEmpty() ? "ZZ" : regions.getFirst(),
                        PhoneNumberUtil.Leniency.POSSIBLE, true, before, out)) {
            return;
        }
        for (String region : regions) {
            if (collect(text, window, lo, region, PhoneNumberUtil.Leniency.VALID, false, before, out)) {
                break; // the run is a valid number of this region; no need to try the others
            }
        }
    }

    /** Adds the numbers found in the window; true when any number (new or already known) was matched. */
    private boolean collect(String text, String window, int offset, String region, PhoneNumberUtil.Leniency leniency,
                            boolean internationalOnly, int before, List<Finding> out) {
        boolean any = false;
        for (PhoneNumberMatch match : UTIL.findNumbers(window, region, leniency, Long.MAX_VALUE)) {
            if (internationalOnly && !match.rawString().startsWith("+")) {
                continue;
            }
            int start = offset + match.start();
            int end = offset + match.end();
            if (REFERENCE.matcher(text.substring(Math.max(0, start - 24), start)).find()) {
                continue;
            }
            any = true;
            boolean seen = false;
            // findings come in text order, so only the last few can overlap this one
            for (int i = Math.max(before, out.size() - 8); i < out.size(); i++) {
                Finding f = out.get(i);
                if (f.start() < end && start < f.end()) {
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                out.add(Finding.span(type(), start, end));
            }
        }
        return any;
    }

    private static boolean enoughDigits(String text) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits >= 7) {
                    return true;
                }
            } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '+' && c != '/') {
                digits = 0;
            }
        }
        return false;
    }
}
