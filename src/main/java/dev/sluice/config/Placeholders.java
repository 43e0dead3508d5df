package dev.sluice.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}}, {@code ${env:NAME:-default}} and {@code ${file:PATH}} in config
 * values, so secrets stay in the environment or in mounted secret files (Docker and Kubernetes
 * secrets) and out of the config. A missing variable without a default, or an unreadable file,
 * is an error. A file's content is trimmed (leading and trailing whitespace and line breaks, as
 * {@code echo} and editors leave them); a relative path is read from the config file's directory.
 * Files are read at every load, so a reload picks up a rotated secret.
 */
final class Placeholders implements UnaryOperator<String> {
    private static final Pattern REF = Pattern.compile(
            "\\$\\{(?:env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?|file:([^}]+))}");
    /** Secret files are small; a bigger one is probably the wrong file. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    private final Map<String, String> env;
    private final Path baseDir;

    Placeholders(Map<String, String> env, Path baseDir) {
        this.env = env;
        this.baseDir = baseDir;
    }

    /** A reference that cannot be resolved: the problem, and what to do about it. */
    static final class Unresolved extends IllegalArgumentException {
        private final String fix;

        Unresolved(String problem, String fix) {
            super(problem);
            this.fix = fix;
        }

        String fix() {
            return fix;
        }
    }

    @Override
    public String apply(String value) {
        if (value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = m.group(3) != null ? file(m.group(3).strip()) : env(m.group(1), m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String env(String name, String fallback) {
        String resolved = env.get(name);
        if (resolved == null) {
            if (fallback == null) {
                throw new Unresolved("environment variable " + name + " is not set",
                        "export the variable before starting Sluice, or give a default with ${env:NAME:-default}");
            }
            return fallback;
        }
        return resolved;
    }

    private String file(String path) {
        Path file = baseDir.resolve(path);
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new Unresolved("the file " + file + " is larger than 1 MB", "point ${file:...} at the secret's own file");
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new Unresolved("the file " + file + " does not exist",
                    "mount or create it, or give its path (relative paths start at the config file's directory)");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Unresolved("the file " + file + " cannot be read: permission denied",
                    "let the user Sluice runs as read it (e.g. the secret volume's defaultMode or fsGroup)");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Unresolved("the file " + file + " is not UTF-8 text", "point ${file:...} at the secret's text file");
        } catch (IOException e) {
            throw new Unresolved("cannot read the file " + file + " (" + e.getMessage() + ")", "check its permissions");
        }
    }
}
