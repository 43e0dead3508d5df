package dev.sluice.config;

import java.util.Map;

/**
 * Default limits and budgets (a key or team may set its own through the admin API), and limits
 * per public model.
 *
 * @param estimatedOutputTokens output tokens assumed when a request sets no max_tokens, to reserve
 *                              tokens-per-minute and budget before the call (corrected after it)
 */
public record LimitsConfig(Quota key, Quota team, Quota user, Map<String, Quota> models, int estimatedOutputTokens) {
    public static final LimitsConfig NONE = new LimitsConfig(Quota.NONE, Quota.NONE, Quota.NONE, Map.of(), 256);

    public LimitsConfig {
        models = Map.copyOf(models);
    }
}
