package dev.sluice.provider.simulator;

import dev.sluice.config.OptionsSchema;
import dev.sluice.config.ProviderConfig;
import dev.sluice.config.YamlNode;
import dev.sluice.provider.Provider;
import dev.sluice.provider.ProviderType;
import dev.sluice.provider.anthropic.AnthropicProvider;
import dev.sluice.provider.azure.AzureOpenAi;
import dev.sluice.provider.gemini.GeminiProvider;
import dev.sluice.provider.openai.OpenAiProvider;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: simulator}: the built-in upstream simulator, started in-process on a random
 * loopback port on first use (one per distinct set of options; it serves every wire format), and
 * spoken to in the wire format chosen with {@code format:} by that format's own provider, so a
 * simulated upstream goes through the same translation as a real one.
 */
public final class SimulatorType {
    private SimulatorType() {}

    /** The formats the simulator serves, each an ordinary provider type pointed at it. */
    private static final Map<String, ProviderType<?>> FORMATS = formats(OpenAiProvider.TYPE, AnthropicProvider.TYPE,
            GeminiProvider.TYPE, AzureOpenAi.TYPE);
    private static final Set<String> BEHAVIOUR = Set.of("ttft", "inter_token_delay", "output_tokens", "error_rate",
            "error_status", "retry_after_seconds", "context_window", "seed", "embedding_dimensions", "answer", "response_model");

    /**
     * @param format        the wire format Sluice speaks to it
     * @param formatOptions that format's own options (azure: its api_version)
     * @param behaviour     the simulator's latency and faults ({@code options:})
     */
    public record Options(String format, Object formatOptions, SimOptions behaviour) {}

    public static final ProviderType<Options> TYPE = new ProviderType<>("simulator", null, null,
            new OptionsSchema<>(Options.class, keys(), SimulatorType::read), SimulatorType::create);

    private static Options read(YamlNode node) {
        String format = node.choice("format", "openai", FORMATS.keySet(), "format");
        ProviderType<?> wire = FORMATS.get(format);
        for (ProviderType<?> other : FORMATS.values()) {
            for (String key : other.options().keys()) {
                if (node.get(key) != null && !wire.options().keys().contains(key)) {
                    throw node.get(key).error(key + " is only for format: " + other.name(), "remove it");
                }
            }
        }
        return new Options(format, wire.options().read(node), behaviour(node.get("options")));
    }

    private static SimOptions behaviour(YamlNode node) {
        SimOptions d = SimOptions.defaults();
        if (node == null) {
            return d;
        }
        node.allowOnly(BEHAVIOUR);
        return d.withTtft(node.duration("ttft", d.ttft()))
                .withInterTokenDelay(node.duration("inter_token_delay", d.interTokenDelay()))
                .withOutputTokens(node.get("output_tokens") == null ? d.outputTokens()
                        : Integer.valueOf(node.integer("output_tokens", 0, 0, Integer.MAX_VALUE)))
                .withErrorRate(node.number("error_rate", d.errorRate(), 0, 1))
                .withErrorStatus(node.integer("error_status", d.errorStatus(), 400, 599))
                .withRetryAfterSeconds(node.integer("retry_after_seconds", d.retryAfterSeconds(), 0, Integer.MAX_VALUE))
                .withContextWindow(node.integer("context_window", d.contextWindow(), 1, Integer.MAX_VALUE))
                .withSeed(node.longInteger("seed", d.seed()))
                .withEmbeddingDimensions(node.integer("embedding_dimensions", d.embeddingDimensions(), 1, 65_536))
                .withAnswer(node.choice("answer", d.answer(), java.util.Set.copyOf(SimOptions.ANSWERS), "answer"))
                .withResponseModel(node.string("response_model", d.responseModel()));
    }

    private static Provider create(ProviderConfig config, Options options, ProviderType.Shared shared) {
        Simulator simulator = shared.get(List.of("simulator", options.behaviour()), Simulator.class,
                () -> Simulator.start(options.behaviour()));
        ProviderType<?> wire = FORMATS.get(options.format());
        // the simulator serves OpenAI's API under /v1 and the others at their own paths
        String baseUrl = simulator.baseUrl() + (options.format().equals("openai") ? "/v1" : "");
        return wire.create(new ProviderConfig(config.name(), wire.name(), baseUrl, "sk-simulator", config.timeout(),
                config.connectTimeout(), config.forwardHeaders(), options.formatOptions()), shared);
    }

    private static Map<String, ProviderType<?>> formats(ProviderType<?>... types) {
        Map<String, ProviderType<?>> out = new LinkedHashMap<>();
        for (ProviderType<?> t : types) {
            out.put(t.name(), t);
        }
        return out;
    }

    private static Set<String> keys() {
        Set<String> keys = new HashSet<>(Set.of("format", "options"));
        FORMATS.values().forEach(t -> keys.addAll(t.options().keys()));
        return keys;
    }
}
