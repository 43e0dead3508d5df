package dev.sluice.server;

import dev.sluice.config.ProviderConfig;
import dev.sluice.provider.Provider;
import dev.sluice.provider.anthropic.AnthropicProvider;
import dev.sluice.provider.azure.AzureOpenAi;
import dev.sluice.provider.gemini.GeminiProvider;
import dev.sluice.provider.openai.OpenAiProvider;

/**
 * Builds a provider from its config, by wire format; simulator-type providers point at an
 * embedded simulator, which serves every format (OpenAI's under /v1, the others at their own paths).
 */
public final class Providers {
    private Providers() {}

    public static Provider create(ProviderConfig p, SimulatorPool simulators) {
        String baseUrl = p.baseUrl();
        String apiKey = p.apiKey();
        if (p.type().equals("simulator")) {
            baseUrl = simulators.baseUrl(p) + (p.format().equals("openai") ? "/v1" : "");
            apiKey = "sk-simulator";
        }
        return switch (p.format()) {
            case "anthropic" -> new AnthropicProvider(p.name(), baseUrl, apiKey, p.connectTimeout());
            case "gemini" -> new GeminiProvider(p.name(), baseUrl, apiKey, p.connectTimeout());
            case "azure" -> AzureOpenAi.provider(p.name(), baseUrl, apiKey, p.apiVersion(), p.connectTimeout());
            default -> new OpenAiProvider(p.name(), baseUrl, apiKey, p.connectTimeout());
        };
    }
}
