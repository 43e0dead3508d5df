package dev.sluice.config;

import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}} and {@code ${env:NAME:-default}} in config values, so secrets stay
 * in the environment and out of the file. A missing variable without a default is an error.
 */
final class EnvResolver implements UnaryOperator<String> {
    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private final Map<String, String> env;

    EnvResolver(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String apply(String value) {
        if (value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = env.get(m.group(1));
            if (resolved == null) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("environment variable " + m.group(1) + " is not set");
                }
                resolved = m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
