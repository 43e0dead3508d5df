package dev.sluice.config;

/** The options of a provider type or scanner that has none. */
public record NoOptions() {
    public static final NoOptions INSTANCE = new NoOptions();
}
