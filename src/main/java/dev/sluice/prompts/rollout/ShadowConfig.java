package dev.sluice.prompts.rollout;

import dev.sluice.api.SluiceException;

/**
 * Shadow traffic: a share of a subject's production requests is sent again, asynchronously, to a
 * candidate (a prompt version or a model); its answer is stored for comparison and never returned.
 *
 * @param subject      {@code prompt:NAME} or {@code model:NAME}
 * @param candidate    the prompt version or model the copies go to
 * @param share        the fraction of requests copied, in (0, 1]
 * @param budgetUsd    the candidate calls stop once they have cost this much in total
 * @param maxPerMinute at most this many copies per minute (per gateway instance)
 */
public record ShadowConfig(String subject, String candidate, double share, double budgetUsd, int maxPerMinute) {
    public ShadowConfig {
        if (candidate == null || candidate.isBlank()) {
            throw SluiceException.missing("candidate");
        }
        if (!(share > 0 && share <= 1)) {
            throw SluiceException.invalidRequest("share", "The shadow share is a fraction in (0, 1], e.g. 0.1 for 10%.");
        }
        if (!(budgetUsd > 0)) {
            throw SluiceException.invalidRequest("budget_usd", "A shadow needs a budget in USD greater than 0.");
        }
        if (maxPerMinute < 1 || maxPerMinute > 100_000) {
            throw SluiceException.invalidRequest("max_per_minute", "max_per_minute is from 1 to 100,000.");
        }
    }
}
