package dev.sluice.guard;

import dev.sluice.guard.answer.LeakageScanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A named set of rules for the request and for the answer.
 *
 * @param placeholders true: redacted input spans become reversible placeholders restored in the answer
 * @param before       the input rules that run before the upstream call: all of them, unless the policy scans
 *                     in parallel ({@code input_scan: parallel}), then the ones {@link #alongside} leaves out
 * @param alongside    the input rules that run alongside the upstream call (empty unless {@code input_scan: parallel})
 */
public record Policy(String name, List<Rule> input, List<Rule> output, boolean placeholders, List<Rule> before,
                     List<Rule> alongside) {
    /**
     * Rules that never run alongside the upstream call: personal data and credentials must not reach the provider
     * at all (a block after the fact would be too late), and {@code limits} bounds what is sent.
     */
    private static final Set<String> ALWAYS_BEFORE = Set.of("pii", "secrets", "limits");

    public Policy {
        input = List.copyOf(input);
        output = List.copyOf(output);
        before = List.copyOf(before);
        alongside = List.copyOf(alongside);
    }

    /** A policy whose input is scanned before the upstream call. */
    public Policy(String name, List<Rule> input, List<Rule> output, boolean placeholders) {
        this(name, input, output, placeholders, input, List.of());
    }

    /**
     * A policy whose input rules that block or flag run alongside the upstream call when {@code parallel}; the
     * upstream must get the redacted text, so redaction runs before it, as do {@link #ALWAYS_BEFORE}'s rules.
     */
    public static Policy of(String name, List<Rule> input, List<Rule> output, boolean placeholders, boolean parallel) {
        if (!parallel) {
            return new Policy(name, input, output, placeholders);
        }
        List<Rule> before = new ArrayList<>();
        List<Rule> alongside = new ArrayList<>();
        for (Rule r : input) {
            (r.action() != Action.REDACT && !ALWAYS_BEFORE.contains(r.name()) ? alongside : before).add(r);
        }
        return new Policy(name, input, output, placeholders, before, alongside);
    }

    /** Whether the input guard plants a canary in the system prompt for the leakage check. */
    public boolean plantsCanary() {
        for (Rule r : output) {
            if (r.scanner() instanceof LeakageScanner leak && leak.plantsCanary()) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return input.isEmpty() && output.isEmpty();
    }
}
