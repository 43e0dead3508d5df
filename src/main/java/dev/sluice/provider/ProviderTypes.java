package dev.sluice.provider;

import dev.sluice.provider.anthropic.AnthropicProvider;
import dev.sluice.provider.azure.AzureOpenAi;
import dev.sluice.provider.compatible.OpenAiCompatible;
import dev.sluice.provider.gemini.GeminiProvider;
import dev.sluice.provider.openai.OpenAiProvider;
import dev.sluice.provider.simulator.SimulatorType;
import java.util.List;

/** The registry of provider types. A new provider is its folder, declaring its {@link ProviderType}, plus one entry here. */
public final class ProviderTypes {
    private ProviderTypes() {}

    public static final List<ProviderType<?>> ALL = List.of(
            OpenAiProvider.TYPE,
            AnthropicProvider.TYPE,
            GeminiProvider.TYPE,
            AzureOpenAi.TYPE,
            SimulatorType.TYPE,
            OpenAiCompatible.OLLAMA, OpenAiCompatible.VLLM, OpenAiCompatible.GROQ);
}
