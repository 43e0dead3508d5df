package dev.sluice.config;

import java.time.Duration;
import java.util.List;

/**
 * An upstream API: what every provider has, and its type's own options.
 *
 * @param type           the provider type's name (openai, anthropic, gemini, azure, simulator...)
 * @param baseUrl        where its API lives (null for the simulator, which is started in-process)
 * @param timeout        longest wait for the upstream's next byte
 * @param forwardHeaders client headers passed upstream: exact names, or prefixes ending in '*'
 * @param options        the type's own options, a record read by its {@link ProviderSchema#options() schema}
 *                       (azure: its api_version; simulator: format and behaviour)
 */
public record ProviderConfig(String name, String type, String baseUrl, String apiKey, Duration timeout,
                             Duration connectTimeout, List<String> forwardHeaders, Object options) {

    public ProviderConfig {
        forwardHeaders = List.copyOf(forwardHeaders);
    }
}
