package dev.sluice.prompts;

import java.util.Map;

/**
 * A prompt and where its labels point.
 *
 * @param team          the owning team, or null for the organisation
 * @param latestVersion the highest version (0 while it has none)
 * @param labels        label → version, without {@code latest}
 */
public record Prompt(String name, String team, String description, long createdAt, String createdBy,
                     int latestVersion, Map<String, Integer> labels) {
    public Prompt {
        labels = Map.copyOf(labels);
    }
}
