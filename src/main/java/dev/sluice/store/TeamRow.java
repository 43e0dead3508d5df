package dev.sluice.store;

import dev.sluice.config.Quota;
import java.util.Map;

/** A team: a slug id, a display name, and the limits and budgets its keys share. */
public record TeamRow(String id, String name, Map<String, String> metadata, Quota quota, long createdAt) {
    public TeamRow {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        quota = quota == null ? Quota.NONE : quota;
    }
}
