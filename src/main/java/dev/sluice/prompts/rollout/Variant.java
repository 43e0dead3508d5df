package dev.sluice.prompts.rollout;

/**
 * One arm of an experiment.
 *
 * @param name   how figures and headers call it (e.g. {@code control}, {@code v3})
 * @param target what it serves: a prompt version number (as text) or a model / deployment name
 * @param weight its share relative to the other arms' weights (a positive whole number)
 */
public record Variant(String name, String target, int weight) {}
