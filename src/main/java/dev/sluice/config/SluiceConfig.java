package dev.sluice.config;

import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration. Immutable; built by {@link ConfigLoader} from
 * {@code sluice.yaml} (or the built-in demo config).
 *
 * @param redis  the shared Redis, or null for single-node, in-process state
 * @param cache  the response cache ({@link CacheConfig#off()} when not configured)
 * @param guardrails input and output guardrails ({@link GuardrailsConfig#DISABLED} when the section is absent)
 * @param metrics    /metrics and OTLP metrics, or null when the section is absent (no metrics)
 * @param analytics  the caps of one analytics aggregate
 * @param quality    monitoring of answers in production ({@link QualityConfig#DEFAULTS} when the section is absent)
 * @param dashboard  the web dashboard at /ui ({@link DashboardConfig#OFF} when the section is absent)
 * @param source where it came from, for messages ("sluice.yaml", "built-in demo config")
 */
public record SluiceConfig(ServerConfig server, AuthConfig auth, StoreConfig store, RedisConfig redis, RoutingConfig routing,
                           LimitsConfig limits, AlertsConfig alerts, Map<String, ModelPrice> prices,
                           Map<String, ProviderConfig> providers, Map<String, ModelConfig> models, CacheConfig cache,
                           TracingConfig tracing, RetentionConfig retention, GuardrailsConfig guardrails,
                           MetricsConfig metrics, AnalyticsConfig analytics, QualityConfig quality,
                           DashboardConfig dashboard, String source) {

    public SluiceConfig {
        analytics = analytics == null ? AnalyticsConfig.DEFAULTS : analytics;
        quality = quality == null ? QualityConfig.DEFAULTS : quality;
        guardrails = guardrails == null ? GuardrailsConfig.DISABLED : guardrails;
        dashboard = dashboard == null ? DashboardConfig.OFF : dashboard;
        providers = Map.copyOf(providers);
        prices = Map.copyOf(prices);
        models = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(models));
    }

    /** The same config with another {@code server:} section (e.g. a port from the command line). */
    public SluiceConfig withServer(ServerConfig newServer) {
        return new SluiceConfig(newServer, auth, store, redis, routing, limits, alerts, prices, providers, models, cache,
                tracing, retention, guardrails, metrics, analytics, quality, dashboard, source);
    }

    /** The public model names, in config order. */
    public List<String> modelNames() {
        return List.copyOf(models.keySet());
    }
}
