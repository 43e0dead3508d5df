package dev.sluice.route;

import dev.sluice.config.TimeoutsConfig;
import java.util.List;
import java.util.Set;

/**
 * How one public model is served at run time: its deployments (with their live state), the
 * strategy that ranks them, how many retries it gets, its timeouts and its fallback chain.
 */
record ModelPlan(String name, Strategy strategy, List<Deployment> deployments, int retries, TimeoutsConfig timeouts,
                 List<Fallback> fallbacks) {

    /** Try {@code model} when the failure's class label is in {@code on}. */
    record Fallback(String model, Set<String> on) {}
}
