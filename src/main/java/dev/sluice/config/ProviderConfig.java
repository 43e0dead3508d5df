package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An upstream API.
 *
 * @param type           openai (any OpenAI-compatible server), anthropic, or simulator (built in)
 * @param format         for type simulator: which wire format Sluice speaks to it (openai or anthropic)
 * @param timeout        longest wait for the upstream's next byte
 * @param forwardHeaders client headers passed upstream: exact names, or prefixes ending in '*'
 * @param simulator      for type simulator: its latency/fault options (ttft, inter_token_delay, ...)
 */
public record ProviderConfig(String name, String type, String format, String baseUrl, String apiKey,
                             Duration timeout, Duration connectTimeout, List<String> forwardHeaders,
                             Map<String, String> simulator) {

    public ProviderConfig {
        forwardHeaders = List.copyOf(forwardHeaders);
        simulator = Map.copyOf(simulator);
    }
}
