package dev.sluice.prompts.template;

/**
 * A template could not be compiled or rendered. It names what went wrong precisely enough for the
 * caller to turn it into a 4xx naming the field: the variable that is missing or not used, or the
 * line of a syntax error.
 */
public final class TemplateException extends RuntimeException {
    /** What kind of problem it is; callers map each to a status and an error code. */
    public enum Kind {
        /** The template text does not parse (unclosed tag, unknown tag or filter, disabled feature). */
        SYNTAX,
        /** The template uses a variable (or a field of one) the caller did not give. */
        MISSING_VARIABLE,
        /** The caller gave a variable the template never mentions. */
        UNUSED_VARIABLE,
        /** The template tried something the sandbox refuses (a method call on a value, a file). */
        FORBIDDEN,
        /** Rendering hit a size or work limit (output length, loop work, list size). */
        LIMIT,
        /** Any other failure while rendering (a filter given a wrong argument, ...). */
        FAILED
    }

    private final Kind kind;
    private final String variable;
    private final int line;

    public TemplateException(Kind kind, String variable, int line, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.variable = variable;
        this.line = line;
    }

    public Kind kind() {
        return kind;
    }

    /** The variable concerned (its top-level name), or null when the problem is not about one. */
    public String variable() {
        return variable;
    }

    /** The template line (1-based), or 0 when unknown. */
    public int line() {
        return line;
    }
}
