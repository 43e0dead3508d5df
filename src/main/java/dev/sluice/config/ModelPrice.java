package dev.sluice.config;

/** A price override from the config: USD per million tokens. */
public record ModelPrice(double input, double output, double cachedInput) {}
