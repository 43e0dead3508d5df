package dev.sluice.guard;

import dev.sluice.guard.answer.LeakageScanner;
import java.util.List;

/**
 * A named set of rules for the request and for the answer.
 *
 * @param placeholders true: redacted input spans become reversible placeholders restored in the answer
 */
public record Policy(String name, List<Rule> input, List<Rule> output, boolean placeholders) {

    public Policy {
        input = List.copyOf(input);
        output = List.copyOf(output);
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
