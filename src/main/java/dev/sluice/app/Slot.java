package dev.sluice.app;

/**
 * Where a stage sits in the request pipeline. The order is the pipeline's: a module adds its
 * stage to a slot, and the pipeline is built from the slots in this order (stages of one slot in
 * the order modules contributed them).
 */
public enum Slot {
    /** The caller may use the model; the end user is named. */
    AUTH,
    /** Captures request and response bodies: right after auth, so refusals by limits or guards are captured too. */
    CAPTURE,
    /** Renders a stored prompt (issue 16): before limits count, guards scan and the cache keys the request. */
    PROMPT,
    /** Rate limits and budgets. */
    LIMITS,
    /** Input guards see the request before the cache and the upstream. */
    INPUT_GUARD,
    /**
     * The output guard sits inside the input guard, so redaction placeholders are restored after the
     * answer was scanned, and cached answers are scanned too.
     */
    OUTPUT_GUARD,
    /** The response cache. */
    CACHE,
    /** The router: the terminal stage, exactly one. */
    ROUTE
}
