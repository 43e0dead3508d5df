package dev.sluice.guard;

import dev.sluice.api.SluiceException;

/** The error a block returns: 400 {@code guardrail_blocked}, naming the guardrail, never the content. */
public final class GuardrailBlocked {
    public static final String CODE = "guardrail_blocked";

    private GuardrailBlocked() {}

    public static SluiceException of(Trigger t, Direction direction, String policy) {
        String what = t.types();
        String subject = direction == Direction.INPUT ? "The request was blocked" : "The answer was blocked";
        String fix = direction == Direction.INPUT
                ? "Remove that content and retry"
                : "Rephrase the request; the model's answer is not returned";
        return new SluiceException(400, "invalid_request_error", CODE, null,
                subject + " by the guardrail '" + t.rule().name() + "' (" + direction.label() + ": "
                        + describe(t.rule().name(), what) + "). " + fix + ", or ask the gateway's operator about the"
                        + " guardrail policy '" + policy + "'.");
    }

    private static String describe(String guardrail, String types) {
        return switch (guardrail) {
            case "pii" -> "personal data found: " + types;
            case "secrets" -> "credentials found: " + types;
            case "prompt_injection" -> "it looks like a prompt injection";
            case "system_prompt_leak" -> "it reveals the system prompt";
            case "json_schema" -> "it does not match the requested JSON schema";
            case "toxicity" -> "toxic language";
            case "groundedness" -> "statements not supported by the supplied context";
            case "banned" -> "banned content";
            case "invisible_text" -> "hidden characters: " + types;
            case "limits" -> "limit exceeded: " + types;
            case "urls" -> "links to hosts that are not allowed";
            case "judge" -> "the reviewing model found a violation";
            default -> types;
        };
    }
}
