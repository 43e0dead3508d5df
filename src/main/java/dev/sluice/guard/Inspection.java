package dev.sluice.guard;

import java.util.ArrayList;
import java.util.List;

/** Runs a list of rules over one text and keeps the ones that fire. */
public final class Inspection {
    private Inspection() {}

    /** The triggers of {@code rules} on {@code text}; whole-text scanners are skipped unless {@code wholeText}. */
    public static List<Trigger> run(List<Rule> rules, String text, ScanContext context, boolean wholeText) {
        return run(rules, text, context, wholeText, null);
    }

    /** As {@link #run(List, String, ScanContext, boolean)}, throwing {@link ScanBudget.Exceeded} before a scan once {@code deadline} passed. */
    static List<Trigger> run(List<Rule> rules, String text, ScanContext context, boolean wholeText,
                             ScanBudget.Deadline deadline) {
        List<Trigger> out = null;
        for (Rule rule : rules) {
            if (rule.scanner().needsWholeText() && !wholeText || !rule.scanner().appliesTo(context)) {
                continue;
            }
            if (deadline != null && deadline.clientGone().getAsBoolean()) {
                throw new ScanBudget.ClientGone();
            }
            if (deadline != null && deadline.passed()) {
                throw new ScanBudget.Exceeded();
            }
            Trigger t = deadline == null ? check(rule, text, context)
                    : deadline.readers().within(deadline, () -> check(rule, text, context));
            if (t != null) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(t);
            }
        }
        return out == null ? List.of() : out;
    }

    /** One rule on one text: the findings at or above its threshold, or null. Scanner errors become an {@code error} verdict. */
    public static Trigger check(Rule rule, String text, ScanContext context) {
        List<Finding> findings = rule.scanner().scan(text, context);
        if (findings.isEmpty()) {
            return null;
        }
        List<Finding> firing = new ArrayList<>(findings.size());
        boolean error = false;
        boolean detected = false;
        for (Finding f : findings) {
            boolean isError = f.type().endsWith("_error");
            boolean isSkip = f.type().endsWith(SKIPPED);
            if (f.score() >= rule.threshold() || isError || isSkip) {
                firing.add(f);
                error |= isError;
                detected |= !isError && !isSkip;
            }
        }
        if (firing.isEmpty()) {
            return null;
        }
        return new Trigger(rule, firing, error ? "error" : detected ? verdict(rule.name()) : "skipped");
    }

    private static String verdict(String scanner) {
        return switch (scanner) {
            case "json_schema" -> "invalid";
            case "groundedness" -> "ungrounded";
            default -> "detected";
        };
    }

    /**
     * A finding whose type ends so says a part of the scanner was skipped (e.g. {@code reader_skipped}: the second reader
     * could not run within the scan budget, {@link ReaderSlots}); it is recorded (verdict {@code skipped}, action flag)
     * whatever its score and never acts by itself.
     */
    public static final String SKIPPED = "_skipped";

    /** True when the trigger should apply its rule's action (an error or a skip below the threshold only records). */
    public static boolean acts(Trigger t) {
        if (!t.verdict().equals("error") && !t.verdict().equals("skipped")) {
            return true;
        }
        for (Finding f : t.findings()) {
            if (f.score() >= t.rule().threshold()) {
                return true;
            }
        }
        return false;
    }
}
