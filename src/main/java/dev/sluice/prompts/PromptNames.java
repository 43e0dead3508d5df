package dev.sluice.prompts;

import dev.sluice.api.SluiceException;

/**
 * What a prompt or label name may be: lower-case letters, digits, {@code .}, {@code _} and
 * {@code -}, starting with a letter or digit. Names end up in file names, URLs, metric labels and
 * the {@code NAME@VERSION} / {@code NAME:LABEL} notation, so {@code @}, {@code :} and {@code /}
 * are out.
 */
public final class PromptNames {
    public static final int MAX_PROMPT = 64;
    public static final int MAX_LABEL = 32;
    /** Resolves to the highest version; never stored, never moved by hand. */
    public static final String LATEST = "latest";

    private PromptNames() {}

    public static String requirePrompt(String name, String param) {
        return require(name, MAX_PROMPT, param, "prompt name");
    }

    public static String requireLabel(String label, String param) {
        return require(label, MAX_LABEL, param, "label");
    }

    /** A label a person may move: any valid label but {@code latest}. */
    public static String requireMovableLabel(String label, String param) {
        requireLabel(label, param);
        if (LATEST.equals(label)) {
            throw SluiceException.invalidRequest(param, "The label 'latest' always points at the highest version;"
                    + " it cannot be moved. Use another label, e.g. production or staging.");
        }
        return label;
    }

    static boolean valid(String name, int max) {
        if (name == null || name.isEmpty() || name.length() > max || !alphanumeric(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!alphanumeric(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static String require(String name, int max, String param, String what) {
        if (!valid(name, max)) {
            throw SluiceException.invalidRequest(param, "Invalid " + what + " '" + (name == null ? "" : shorten(name))
                    + "': use 1 to " + max + " lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        return name;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
