package dev.sluice.config;

/** A custom detector from config: a name shown in events and a regular expression in RE2 syntax (matched in linear time by RE2/J). */
public record NamedPattern(String name, String pattern) {}
