package dev.sluice.guard;

import java.util.List;
import java.util.Locale;

/**
 * One guardrail check. Scanners are built once from config, are immutable and thread-safe, and
 * never compile a regex or allocate a model per call.
 *
 * <p>Streams are scanned over a sliding window, so a scanner also says how much of a growing text
 * must be held back because a match could still be forming ({@link #holdFrom}), and whether it
 * can only judge the complete text ({@link #needsWholeText}: JSON schema, LLM judge).
 */
public interface Scanner {

    /** The config name, e.g. {@code pii}; also the guardrail name in events and errors. */
    String name();

    /** Everything found in {@code text}; empty when it is clean. */
    List<Finding> scan(String text, ScanContext context);

    /** Whether {@link Finding#isSpan() span} findings of this scanner can be redacted. */
    default boolean redactable() {
        return false;
    }

    /**
     * Whether redacted input spans may become reversible placeholders ({@code [EMAIL_1]}) restored
     * in the answer: true for personal data and secrets the caller sent itself, false for content
     * that should not come back (banned phrases, invisible characters).
     */
    default boolean reversible() {
        return false;
    }

    /** What a masked span is replaced with, e.g. {@code [EMAIL]}. */
    default String mask(Finding finding) {
        return "[" + finding.type().toUpperCase(Locale.ROOT) + "]";
    }

    /**
     * For a text that is still growing (a stream), the index from which it must not be released
     * yet because a match could still be forming there (e.g. an opened {@code -----BEGIN} block);
     * {@code text.length()} when nothing special is pending.
     */
    default int holdFrom(String text, ScanContext context) {
        return text.length();
    }

    /**
     * Whether this scanner has anything to check for this request (a JSON schema check only when
     * {@code response_format} asks for JSON, groundedness only with context documents...). Streams
     * use it to decide whether they must hold the whole answer back.
     */
    default boolean appliesTo(ScanContext context) {
        return true;
    }

    /** True when the scanner can only judge the complete answer (it then runs once, at the end). */
    default boolean needsWholeText() {
        return false;
    }

    /** A scanner whose spans become reversible placeholders ({@code [EMAIL_1]}): personal data, secrets. */
    interface Reversible extends Scanner {
        @Override
        default boolean redactable() {
            return true;
        }

        @Override
        default boolean reversible() {
            return true;
        }
    }

    /** A scanner whose spans are masked as {@code [REDACTED]} and never come back (banned content, toxicity). */
    interface Masking extends Scanner {
        @Override
        default boolean redactable() {
            return true;
        }

        @Override
        default String mask(Finding finding) {
            return "[REDACTED]";
        }
    }
}
