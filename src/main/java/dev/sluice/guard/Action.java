package dev.sluice.guard;

import java.util.Locale;

/** What a policy does when a guardrail fires. */
public enum Action {
    /** Refuse: a 400 {@code guardrail_blocked} error before the model is called (input), instead of the
     *  answer (output), or an error event that ends a stream before the content is sent. */
    BLOCK,
    /** Rewrite the matched spans: masked, or (input) replaced by placeholders restored in the answer. */
    REDACT,
    /** Let it pass and record the trigger. */
    FLAG;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action parse(String text) {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
}
