package dev.sluice.config;

/** A custom detector from config: a name shown in events and a Java regular expression. */
public record NamedPattern(String name, String pattern) {}
