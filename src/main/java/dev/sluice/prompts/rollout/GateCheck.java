package dev.sluice.prompts.rollout;

/**
 * One gate's verdict on a window, with the figures it was decided on (for the rollback alert,
 * the audit entry and {@code sluice experiments status}).
 *
 * @param outcome   PASS, FAIL (the candidate is past the threshold and worse than the current
 *                  version), HOLD (past the threshold, but the current version is as bad: the cause
 *                  is not the candidate; wait) or NO_DATA (nothing to judge, e.g. no ratings: passes)
 * @param candidate the candidate's figure, or null
 * @param baseline  the current version's figure over the same window, or null
 */
public record GateCheck(String gate, Outcome outcome, Double candidate, Double baseline, double threshold) {
    public enum Outcome { PASS, FAIL, HOLD, NO_DATA }

    public String describe() {
        return gate + " " + outcome.name().toLowerCase(java.util.Locale.ROOT) + ": candidate " + format(candidate)
                + ", current " + format(baseline) + ", threshold " + format(threshold);
    }

    private static String format(Double v) {
        if (v == null) {
            return "n/a";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.valueOf(v.longValue()) : String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
