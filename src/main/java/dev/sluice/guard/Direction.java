package dev.sluice.guard;

import java.util.Locale;

/** Which side of the model a guardrail looks at. */
public enum Direction {
    INPUT, OUTPUT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
