package dev.sluice.server;

import dev.sluice.config.ProviderConfig;
import dev.sluice.provider.Provider;
import dev.sluice.provider.anthropic.AnthropicProvider;
import dev.sluice.provider.openai.OpenAiProvider;

/** Builds a provider from its config; simulator-type providers point at an embedded simulator. */
final class Providers {
    private Providers() {}

    static Provider create(ProviderConfig p, SimulatorPool simulators) {
        String baseUrl = p.baseUrl();
        String apiKey = p.apiKey();
        if (p.type().equals("simulator")) {
            baseUrl = simulators.baseUrl(p) + (p.format().equals("openai") ? "/v1" : "");
            apiKey = "sk-simulator";
        }
        return switch (p.format()) {
            case "anthropic" -> new AnthropicProvider(p.name(), baseUrl, apiKey, p.connectTimeout());
            default -> new OpenAiProvider(p.name(), baseUrl, apiKey, p.connectTimeout());
        };
    }
}
