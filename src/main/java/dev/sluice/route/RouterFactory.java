package dev.sluice.route;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ProviderConfig;
import dev.sluice.config.RoutingConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.provider.Provider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Builds the router's run-time plans from the config: deployments with breakers, strategies, fallbacks. */
public final class RouterFactory {
    private RouterFactory() {}

    public static Router create(SluiceConfig config, Map<String, Provider> providers, PriceCatalog prices, Clock clock,
                                Watchdog watchdog, Embedder embedder, Router.Sleeper sleeper,
                                dev.sluice.trace.Tracer tracer) {
        RoutingConfig routing = config.routing();
        Map<String, ModelPlan> plans = new LinkedHashMap<>();
        Map<String, Router.ComplexityRoute> complexity = new LinkedHashMap<>();
        for (ModelConfig model : config.models().values()) {
            switch (model) {
                case ModelConfig.Deployed m -> plans.put(m.name(), plan(m, config, providers, prices, clock));
                case ModelConfig.Complexity c -> complexity.put(c.name(), new Router.ComplexityRoute(c.easy(), c.hard(),
                        c.threshold(), classifier(c, embedder)));
            }
        }
        Backoff backoff = new Backoff(routing.backoffBase(), routing.backoffMax(), routing.maxRetryAfter(),
                () -> ThreadLocalRandom.current().nextDouble());
        return new Router(plans, complexity, backoff, watchdog, sleeper, tracer);
    }

    private static ModelPlan plan(ModelConfig.Deployed m, SluiceConfig config, Map<String, Provider> providers,
                                  PriceCatalog prices, Clock clock) {
        List<Deployment> deployments = new ArrayList<>();
        for (ModelConfig.DeploymentConfig d : m.deployments()) {
            ProviderConfig p = config.providers().get(d.provider());
            deployments.add(new Deployment(providers.get(d.provider()), d.model(), d.weight(), d.maxInFlight(), p.timeout(),
                    new HeaderForwarder(p.forwardHeaders(), gatewaySecrets(config)), prices.find(d.model()),
                    breaker(m.name() + ":" + d.provider() + "/" + d.model(), config.routing().breaker(), clock)));
        }
        List<ModelPlan.Fallback> fallbacks = m.fallbacks().stream()
                .map(f -> new ModelPlan.Fallback(f.model(), f.on(), f.judgeBelow(), f.judgeModel())).toList();
        return new ModelPlan(m.name(), Strategy.of(m.strategy()), deployments, m.retries(), m.timeouts(), fallbacks);
    }

    /** The config's own secrets, which no client header carrying them may take upstream. */
    private static List<String> gatewaySecrets(SluiceConfig config) {
        List<String> secrets = new ArrayList<>();
        if (config.auth() != null) {
            secrets.add(config.auth().adminKey());
        }
        if (config.metrics() != null) {
            secrets.add(config.metrics().bearerToken());
        }
        return secrets;
    }

    private static CircuitBreaker breaker(String name, RoutingConfig.BreakerConfig b, Clock clock) {
        if (!b.enabled()) {
            return null;
        }
        return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindow(b.window(), b.minCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(b.failureRate())
                .waitDurationInOpenState(b.openFor())
                .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                .build());
    }

    private static ComplexityClassifier classifier(ModelConfig.Complexity c, Embedder embedder) {
        if (c.examples() == null) {
            return new ComplexityClassifier();
        }
        List<ComplexityClassifier.Example> examples = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of(c.examples()))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = Json.MAPPER.readTree(line);
                examples.add(ComplexityClassifier.example(embedder, row.path("prompt").asText(),
                        row.path("label").asText().equals("hard")));
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("models." + c.name() + ".examples: cannot read '" + c.examples() + "' ("
                    + e.getMessage() + "). Fix: point it at a JSONL file of {\"prompt\": ..., \"label\": \"easy\"|\"hard\"}");
        }
        return new ComplexityClassifier(embedder, examples);
    }
}
