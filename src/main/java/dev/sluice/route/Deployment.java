package dev.sluice.route;

import dev.sluice.provider.Provider;
import java.time.Duration;

/** One way to serve a public model: a provider, the upstream's model name, a weight, and call settings. */
public record Deployment(Provider provider, String upstreamModel, int weight, Duration timeout,
                         HeaderForwarder forwarder) {}
