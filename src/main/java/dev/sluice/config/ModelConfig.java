package dev.sluice.config;

import java.util.List;

/** A public model name and the deployments that can serve it. */
public record ModelConfig(String name, List<DeploymentConfig> deployments) {

    public ModelConfig {
        deployments = List.copyOf(deployments);
    }

    /** One way to serve a model: a provider, the model name it knows, and a routing weight. */
    public record DeploymentConfig(String provider, String model, int weight) {}
}
