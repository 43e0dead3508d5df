package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An upstream API.
 *
 * @param type           openai (any OpenAI-compatible server), anthropic, gemini, azure (Azure OpenAI), or
 *                       simulator (built in)
 * @param format         the wire format Sluice speaks to it: the type's own, or for type simulator the one
 *                       chosen (openai, anthropic, gemini or azure)
 * @param apiVersion     for the azure format: the {@code api-version} query parameter; null otherwise
 * @param timeout        longest wait for the upstream's next byte
 * @param forwardHeaders client headers passed upstream: exact names, or prefixes ending in '*'
 * @param simulator      for type simulator: its latency/fault options (ttft, inter_token_delay, ...)
 */
public record ProviderConfig(String name, String type, String format, String baseUrl, String apiKey,
                             String apiVersion, Duration timeout, Duration connectTimeout, List<String> forwardHeaders,
                             Map<String, String> simulator) {

    public ProviderConfig {
        forwardHeaders = List.copyOf(forwardHeaders);
        simulator = Map.copyOf(simulator);
    }
}
