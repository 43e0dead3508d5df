package dev.sluice.pipeline;

/**
 * One guardrail trigger, recorded on the {@link Exchange} so traces can emit it as a
 * {@code gen_ai.guardrail}-style span event and the request log can summarise it. It never
 * carries the sensitive content itself, only what kind of thing was found.
 *
 * @param name      the guardrail (scanner) name, e.g. {@code pii}, {@code prompt_injection}
 * @param direction {@code input} (the request) or {@code output} (the answer)
 * @param verdict   what the scanner concluded: {@code detected}, {@code invalid} (schema),
 *                  {@code ungrounded}, or {@code error} when the scanner could not run
 * @param score     the scanner's confidence or severity, 0..1
 * @param action    what the policy did: {@code block}, {@code redact} or {@code flag}
 * @param detail    the kinds found, e.g. {@code email,phone} or {@code heuristic:override}; never content
 */
public record GuardEvent(String name, String direction, String verdict, double score, String action, String detail) {

    /** A compact form for logs: {@code input:pii:redact(email,phone)}. */
    public String summary() {
        return direction + ":" + name + ":" + action + (detail == null || detail.isEmpty() ? "" : "(" + detail + ")");
    }
}
