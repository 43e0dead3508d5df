package dev.sluice.guard;

import java.util.List;

/**
 * A rule whose scanner found something at or above the rule's threshold in one text.
 *
 * @param findings the findings that reached the threshold (span findings are what gets redacted)
 * @param verdict  {@code detected}, {@code invalid}, {@code ungrounded} or {@code error}
 */
public record Trigger(Rule rule, List<Finding> findings, String verdict) {

    public double score() {
        double max = 0;
        for (Finding f : findings) {
            max = Math.max(max, f.score());
        }
        return max;
    }

    /** The distinct finding types, comma-separated: what the event and the error message name. */
    public String types() {
        StringBuilder sb = new StringBuilder();
        for (Finding f : findings) {
            String t = f.type();
            if (!(("," + sb + ",").contains("," + t + ","))) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(t);
            }
        }
        return sb.toString();
    }
}
