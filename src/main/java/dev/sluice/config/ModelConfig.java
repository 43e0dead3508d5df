package dev.sluice.config;

import java.util.List;
import java.util.Set;

/**
 * A public model name and how it is served, selected by its {@code type:}: a set of deployments
 * (the default), or a complexity router that sends each request to an easy or a hard model.
 */
public sealed interface ModelConfig {
    String name();

    /**
     * Deployments picked by a strategy, with retries, fallbacks and timeouts.
     *
     * @param strategy   weighted, least_busy, lowest_latency, lowest_cost or priority
     * @param retries    extra attempts after the first, across this model's deployments
     * @param fallbacks  other public models to try, in order, when this one fails with a listed error class
     */
    record Deployed(String name, String strategy, List<DeploymentConfig> deployments, int retries,
                    List<FallbackConfig> fallbacks, TimeoutsConfig timeouts) implements ModelConfig {
        public Deployed {
            deployments = List.copyOf(deployments);
            fallbacks = List.copyOf(fallbacks);
        }
    }

    /**
     * Routes each request by how hard it looks: prompt length, conversation depth, tools, code,
     * math and reasoning cues, and optionally similarity to labelled examples.
     *
     * @param threshold score at or above which a request is hard (0..1)
     * @param examples  JSONL file of {"prompt": ..., "label": "easy"|"hard"}, or null
     */
    record Complexity(String name, String easy, String hard, double threshold, String examples) implements ModelConfig {}

    /**
     * One way to serve a model.
     *
     * @param maxInFlight concurrent requests this deployment takes before it is skipped; 0 = no limit
     */
    record DeploymentConfig(String provider, String model, int weight, int maxInFlight) {}

    /** Try {@code model} when the failure's class is one of {@code on} (error class labels). */
    /**
     * @param judgeBelow  with {@code judge_below} in {@code on}: answers the judge scores below this (0..1) fall back
     * @param judgeModel  the public model that scores answers for {@code judge_below}
     */
    record FallbackConfig(String model, Set<String> on, Double judgeBelow, String judgeModel) {
        public FallbackConfig(String model, Set<String> on) {
            this(model, on, null, null);
        }
    }
}
