package dev.sluice.eval.score;

/**
 * Checks one answer. Scorers are built once from an assertion by {@link Scorers} (which validates
 * its value then, so a bad regex fails when the suite loads), are thread-safe, and are shared by
 * offline evaluations ({@code sluice eval}) and online evaluators of production traffic.
 */
@FunctionalInterface
public interface Scorer {
    Score score(Answer answer, ScoreContext context);
}
