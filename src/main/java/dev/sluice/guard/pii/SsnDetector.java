package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * US Social Security numbers, by the SSA's rules: area not 000, 666 or 900–999; group not 00;
 * serial not 0000. {@code AAA-GG-SSSS} counts on its own; spaced or undelimited nine digits count
 * only after a word such as "SSN" or "social security", since bare nine-digit numbers are common.
 */
public final class SsnDetector implements Detector {
    private static final Pattern CANDIDATE = Pattern.compile("(?<![\\d-])(\\d{3})([- ]?)(\\d{2})\\2(\\d{4})(?![\\d-])");
    private static final Pattern KEYWORD = Pattern.compile("\\b(?:ssn|ss#|social security|soc\\.? sec\\.?|ssa)",
            Pattern.CASE_INSENSITIVE);
    private static final int KEYWORD_WINDOW = 48;

    @Override
    public String type() {
        return "us_ssn";
    }

    @Override
    public void find(String text, List<Finding> out) {
        Matcher m = CANDIDATE.matcher(text);
        Runs.digitRuns(text, " -", 9, (start, end) -> find(text, Runs.region(m, start, end), out));
    }

    private void find(String text, Matcher m, List<Finding> out) {
        while (m.find()) {
            int area = Integer.parseInt(m.group(1));
            int group = Integer.parseInt(m.group(3));
            int serial = Integer.parseInt(m.group(4));
            if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
                continue;
            }
            if (!m.group(2).equals("-") && !keywordBefore(text, m.start())) {
                continue;
            }
            out.add(Finding.span(type(), m.start(), m.end()));
        }
    }

    private static boolean keywordBefore(String text, int index) {
        int from = Math.max(0, index - KEYWORD_WINDOW);
        return KEYWORD.matcher(text.substring(from, index).toLowerCase(Locale.ROOT)).find();
    }
}
