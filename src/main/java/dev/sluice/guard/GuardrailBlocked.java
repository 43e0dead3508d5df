package dev.sluice.guard;

import dev.sluice.api.SluiceException;

/** The error a block returns: 400 {@code guardrail_blocked}, naming the guardrail, never the content. */
public final class GuardrailBlocked {
    public static final String CODE = "guardrail_blocked";

    private GuardrailBlocked() {}

    /** The request was refused because its guardrail scans did not finish within {@code guardrails.scan_budget}. */
    public static SluiceException budgetExceeded(java.time.Duration budget, String policy) {
        return new SluiceException(400, "invalid_request_error", CODE, null,
                "The request was blocked: the guardrails of the policy '" + policy + "' could not scan it within "
                        + budget.toMillis() + " ms (guardrails.scan_budget). Send less text in one request, or ask the"
                        + " gateway's operator about guardrails.on_budget_exceeded.");
    }

    public static SluiceException of(Trigger t, Direction direction, String policy) {
        String what = t.types();
        String subject = direction == Direction.INPUT ? "The request was blocked" : "The answer was blocked";
        String fix = direction == Direction.INPUT
                ? "Remove that content and retry"
                : "Rephrase the request; the model's answer is not returned";
        return new SluiceException(400, "invalid_request_error", CODE, null,
                subject + " by the guardrail '" + t.rule().name() + "' (" + direction.label() + ": "
                        + t.rule().blockReason().apply(what) + "). " + fix + ", or ask the gateway's operator about the"
                        + " guardrail policy '" + policy + "'.");
    }
}
