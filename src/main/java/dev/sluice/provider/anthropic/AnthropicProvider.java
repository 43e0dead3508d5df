package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.config.NoOptions;
import dev.sluice.config.OptionsSchema;
import dev.sluice.provider.Call;
import dev.sluice.provider.Provider;
import dev.sluice.provider.ProviderType;
import dev.sluice.provider.UpstreamHttp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Anthropic's Messages API ({@code POST {base}/v1/messages}). Requests are translated from the
 * canonical (OpenAI) format by {@link AnthropicChat}, streams decoded by
 * {@link AnthropicStreamDecoder}, errors classified by {@link AnthropicErrors}. Embeddings are
 * not offered (Anthropic has none).
 */
public final class AnthropicProvider implements Provider {
    /** {@code type: anthropic}: the Messages API. */
    public static final ProviderType<NoOptions> TYPE = new ProviderType<>("anthropic", "https://api.anthropic.com", null,
            OptionsSchema.none(), (config, options, shared) -> new AnthropicProvider(config.name(), config.baseUrl(),
                    config.apiKey(), config.connectTimeout()));

    private final String name;
    private final UpstreamHttp http;
    private final String path;
    private final String apiKey;
    private final Clock clock;

    /**
     * @param baseUrl e.g. {@code https://api.anthropic.com}; a base that already ends in
     *                {@code /v1} works too
     */
    public AnthropicProvider(String name, String baseUrl, String apiKey, Duration connectTimeout) {
        this(name, baseUrl, apiKey, connectTimeout, Clock.systemUTC());
    }

    AnthropicProvider(String name, String baseUrl, String apiKey, Duration connectTimeout, Clock clock) {
        String base = baseUrl;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.name = name;
        this.path = base.endsWith("/v1") ? "messages" : "v1/messages";
        this.http = new UpstreamHttp(name, base, connectTimeout);
        this.apiKey = apiKey;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResponse chat(ChatRequest request, Call call) {
        byte[] body = AnthropicChat.writeRequest(request, call.upstreamModel(), false);
        try (UpstreamHttp.Response response = http.postJson(path, headers(call), body, call.timeout())) {
            if (response.status() / 100 != 2) {
                throw AnthropicErrors.fromResponse(name, response);
            }
            JsonNode message = response.readJsonObject();
            if ("error".equals(message.path("type").asText())) {
                throw AnthropicErrors.fromErrorEvent(name, message);
            }
            return AnthropicChat.readResponse(message, clock.instant().getEpochSecond(), call.upstreamModel());
        }
    }

    @Override
    public ChunkStream stream(ChatRequest request, Call call) {
        byte[] body = AnthropicChat.writeRequest(request, call.upstreamModel(), true);
        UpstreamHttp.Response response = http.postJson(path, headers(call), body, call.timeout());
        if (response.status() / 100 != 2) {
            try (response) {
                throw AnthropicErrors.fromResponse(name, response);
            }
        }
        return new AnthropicStreamDecoder(name, call.upstreamModel(), http, response, clock);
    }

    /** The call's forwarded headers, then the gateway's own, which win (whatever their case). */
    private Map<String, String> headers(Call call) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(call.headers());
        if (apiKey != null && !apiKey.isBlank()) {
            headers.put("x-api-key", apiKey);
        }
        headers.put("anthropic-version", AnthropicWire.API_VERSION);
        if (call.requestId() != null) {
            headers.put("x-request-id", call.requestId());
        }
        return headers;
    }

}
