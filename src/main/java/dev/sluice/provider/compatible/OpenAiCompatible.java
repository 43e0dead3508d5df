package dev.sluice.provider.compatible;

import dev.sluice.config.NoOptions;
import dev.sluice.config.OptionsSchema;
import dev.sluice.config.ProviderConfig;
import dev.sluice.provider.Provider;
import dev.sluice.provider.ProviderType;
import dev.sluice.provider.openai.OpenAiProvider;

/**
 * Servers that speak OpenAI's API at a well-known address, as types of their own so a config
 * needs no {@code base_url} for them: {@code ollama} and {@code vllm} on their default local
 * ports, {@code groq}'s hosted API. Each is {@link OpenAiProvider} with that default; a
 * {@code base_url} still overrides it (another host or port).
 */
public final class OpenAiCompatible {
    private OpenAiCompatible() {}

    /** Ollama's OpenAI-compatible endpoint; it needs no key. */
    public static final ProviderType<NoOptions> OLLAMA = type("ollama", "http://127.0.0.1:11434/v1");
    /** vLLM's OpenAI-compatible server ({@code vllm serve}), port 8000 by default. */
    public static final ProviderType<NoOptions> VLLM = type("vllm", "http://127.0.0.1:8000/v1");
    /** Groq's hosted API; give {@code api_key}. */
    public static final ProviderType<NoOptions> GROQ = type("groq", "https://api.groq.com/openai/v1");

    private static ProviderType<NoOptions> type(String name, String defaultBaseUrl) {
        return new ProviderType<>(name, defaultBaseUrl, null, OptionsSchema.none(), OpenAiCompatible::create);
    }

    private static Provider create(ProviderConfig config, NoOptions options, ProviderType.Shared shared) {
        return new OpenAiProvider(config.name(), config.baseUrl(), config.apiKey(), config.connectTimeout());
    }
}
