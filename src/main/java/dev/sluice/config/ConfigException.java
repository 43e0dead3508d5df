package dev.sluice.config;

import java.util.List;

/**
 * A problem in the config, reported as {@code file:line: key: what is wrong. Fix: what to do}, or
 * several of them (one per section or provider that is wrong, when the loader could read on past
 * the first). Start-up stops on it; a reload keeps the running config. Nothing runs half-configured.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(String message) {
        super(message, null, false, false);
        this.problems = List.of(message);
    }

    /** Every problem found, in file order; the message lists them one per line. */
    public ConfigException(List<String> problems) {
        super(problems.size() == 1 ? problems.getFirst()
                : problems.size() + " problems in the config:\n  " + String.join("\n  ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, as {@code file:line: what is wrong. Fix: ...}. */
    public List<String> problems() {
        return problems;
    }
}
