package dev.sluice.prompts.template;

import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.UnknownTokenException;
import dev.sluice.prompts.template.TemplateException.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import jinjava.javax.el.MethodNotFoundException;

/** Turns Jinjava's error records into {@link TemplateException}s that name the variable or the line. */
final class RenderErrors {
    private RenderErrors() {}

    static TemplateException compile(TemplateError e) {
        Kind kind = e.getReason() == TemplateError.ErrorReason.DISABLED ? Kind.FORBIDDEN : Kind.SYNTAX;
        String message = kind == Kind.FORBIDDEN
                ? "line " + e.getLineno() + ": " + e.getMessage()
                        + "; prompt templates cannot include, import or extend other templates"
                : "line " + e.getLineno() + ": " + e.getMessage();
        return new TemplateException(kind, null, e.getLineno(), message);
    }

    static TemplateException unused(String given, Set<String> free) {
        return new TemplateException(Kind.UNUSED_VARIABLE, given, 0, "The variable '" + given
                + "' is not used by the template" + uses(free) + "; remove it or check its spelling.");
    }

    static TemplateException overBudget() {
        return new TemplateException(Kind.LIMIT, null, 0, "The template did too much work: it evaluated more than "
                + TemplateEngine.MAX_NODES + " tags and expressions; make its loops shorter.");
    }

    static TemplateException failed(RuntimeException e, int line) {
        return new TemplateException(Kind.FAILED, null, line, "line " + line + ": the template failed: " + e.getMessage());
    }

    /**
     * The failure of one render, from the errors Jinjava recorded and the exception it threw, if any.
     * The most specific explanation wins: a refused feature, then a missing name, then a limit.
     */
    static TemplateException render(List<TemplateError> fatal, RuntimeException thrown, int lineOfThrow,
                                    Collection<String> given, TemplateNames.Names names) {
        for (TemplateError e : fatal) {
            if (e.getReason() == TemplateError.ErrorReason.DISABLED || causedBy(e.getException(), MethodNotFoundException.class)) {
                return new TemplateException(Kind.FORBIDDEN, null, e.getLineno(), "line " + e.getLineno() + ": "
                        + e.getMessage());
            }
        }
        if (causedBy(thrown, MethodNotFoundException.class)) {
            return new TemplateException(Kind.FORBIDDEN, null, lineOfThrow, "line " + lineOfThrow + ": "
                    + cause(thrown, MethodNotFoundException.class).getMessage());
        }
        if (cause(thrown, UnknownTokenException.class) instanceof UnknownTokenException unknown) {
            return missing(unknown.getToken().strip(), Math.max(unknown.getLineNumber(), lineOfThrow), given, names);
        }
        for (TemplateError e : fatal) {
            if (cause(e.getException(), UnknownTokenException.class) instanceof UnknownTokenException unknown) {
                return missing(unknown.getToken().strip(), e.getLineno(), given, names);
            }
        }
        if (thrown != null) {
            return failed(thrown, lineOfThrow);
        }
        TemplateError e = fatal.getFirst();
        int line = e.getLineno();
        return switch (e.getReason()) {
            case OUTPUT_TOO_BIG, COLLECTION_TOO_BIG, OVER_LIMIT -> new TemplateException(Kind.LIMIT, null, line,
                    e.getMessage() + " (a rendered template is limited to " + TemplateEngine.MAX_OUTPUT_CHARS
                            + " characters, lists and maps to 10,000 items)");
            case SYNTAX_ERROR -> new TemplateException(Kind.SYNTAX, null, line, "line " + line + ": " + e.getMessage());
            default -> new TemplateException(Kind.FAILED, null, line, "line " + line + ": " + e.getMessage());
        };
    }

    /**
     * An expression read a name no variable defines. The variable to blame is the first name the
     * expression reads that the caller did not give; when the caller gave all of them, a field of
     * one is missing ({@code user.nmae}).
     */
    private static TemplateException missing(String expression, int line, Collection<String> given,
                                             TemplateNames.Names names) {
        List<String> read = new ArrayList<>();
        TemplateNames.identifiers(expression, read::add);
        for (String name : read) {
            if (!given.contains(name)) {
                return new TemplateException(Kind.MISSING_VARIABLE, name, line, "The template needs the variable '"
                        + name + "' (line " + line + ": {{ " + expression + " }})" + uses(names.free())
                        + "; give it in the variables.");
            }
        }
        String root = read.isEmpty() ? null : read.getFirst();
        return new TemplateException(Kind.MISSING_VARIABLE, root, line, "The template cannot evaluate '" + expression
                + "' (line " + line + "): " + (root == null ? "" : "a field of '" + root + "' is missing, or ")
                + "a filter, test or function name is unknown.");
    }

    private static String uses(Set<String> free) {
        return free.isEmpty() ? ", which uses no variables" : ", which uses " + String.join(", ", free);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        return cause(t, type) != null;
    }

    /** The first exception of this type in the cause chain (at most 10 deep), or null. */
    private static Throwable cause(Throwable t, Class<? extends Throwable> type) {
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }
}
