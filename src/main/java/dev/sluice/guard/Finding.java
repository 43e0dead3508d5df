package dev.sluice.guard;

/**
 * One thing a scanner found. Span findings ({@code start >= 0}) can be redacted; whole-text
 * findings (prompt injection, toxicity, schema) cover the text as a whole.
 *
 * @param type  what was found, e.g. {@code email}, {@code aws_access_key}, {@code heuristic:override};
 *              shown in events and error messages, so it never contains the content itself
 * @param start first char of the match in the scanned text, or -1 for the whole text
 * @param end   one past the last char, or -1
 * @param score confidence or severity 0..1 (rule-based detectors that validated a match use 1)
 */
public record Finding(String type, int start, int end, double score) {

    public static Finding whole(String type, double score) {
        return new Finding(type, -1, -1, score);
    }

    public static Finding span(String type, int start, int end) {
        return new Finding(type, start, end, 1.0);
    }

    public boolean isSpan() {
        return start >= 0;
    }

    public Finding shift(int offset) {
        return isSpan() ? new Finding(type, start + offset, end + offset, score) : this;
    }

    public boolean overlaps(Finding other) {
        return isSpan() && other.isSpan() && start < other.end && other.start < end;
    }

    /** Adds {@code f} to {@code accepted} unless it overlaps one already there (the first finding of a span wins). */
    public static void addUnlessOverlapping(java.util.List<Finding> accepted, Finding f) {
        for (Finding a : accepted) {
            if (a.overlaps(f)) {
                return;
            }
        }
        accepted.add(f);
    }
}
