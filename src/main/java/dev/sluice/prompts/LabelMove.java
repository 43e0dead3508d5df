package dev.sluice.prompts;

/**
 * One move of a label, kept so a rollback can walk back the moves not undone yet.
 *
 * @param fromVersion where the label pointed before, or null when this move created it
 * @param kind        {@code move} or {@code rollback}
 * @param undone      whether a later rollback reversed this move
 */
public record LabelMove(long id, String prompt, String label, Integer fromVersion, int toVersion, String kind,
                        boolean undone, long ts, String actor, String reason) {
    public static final String MOVE = "move";
    public static final String ROLLBACK = "rollback";
}
