package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.Json;
import dev.sluice.config.NoOptions;
import dev.sluice.config.OptionsSchema;
import dev.sluice.provider.Call;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.Provider;
import dev.sluice.provider.ProviderType;
import dev.sluice.provider.UpstreamException;
import dev.sluice.provider.UpstreamHttp;
import dev.sluice.provider.gemini.GeminiWire.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Google's Gemini API: {@code POST {base}/v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :batchEmbedContents}, authenticated with
 * {@code x-goog-api-key}. Requests are translated from the canonical (OpenAI) format by
 * {@link GeminiChat} and {@link GeminiEmbeddings}, streams decoded by {@link GeminiStreamDecoder},
 * errors classified by {@link GeminiErrors}.
 */
public final class GeminiProvider implements Provider {
    /** {@code type: gemini}: Google's Gemini API (generateContent, embedContent). */
    public static final ProviderType<NoOptions> TYPE = new ProviderType<>("gemini", "https://generativelanguage.googleapis.com",
            null, OptionsSchema.none(), (config, options, shared) -> new GeminiProvider(config.name(), config.baseUrl(),
                    config.apiKey(), config.connectTimeout()));

    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

    private final String name;
    private final UpstreamHttp http;
    private final String prefix;
    private final String apiKey;
    private final Clock clock;
    private final Ids ids;

    /**
     * @param baseUrl e.g. {@value #DEFAULT_BASE_URL}; a base that already ends in {@code /v1beta}
     *                works too
     */
    public GeminiProvider(String name, String baseUrl, String apiKey, Duration connectTimeout) {
        this(name, baseUrl, apiKey, connectTimeout, Clock.systemUTC(), Ids.random());
    }

    GeminiProvider(String name, String baseUrl, String apiKey, Duration connectTimeout, Clock clock, Ids ids) {
        String base = baseUrl;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.name = name;
        this.prefix = base.endsWith("/" + GeminiWire.API_VERSION) ? "" : GeminiWire.API_VERSION + "/";
        this.http = new UpstreamHttp(name, base, connectTimeout);
        this.apiKey = apiKey;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResponse chat(ChatRequest request, Call call) {
        byte[] body = GeminiChat.writeRequest(request);
        String path = prefix + modelPath(call.upstreamModel()) + GeminiWire.GENERATE;
        try (UpstreamHttp.Response response = http.postJson(path, headers(call), body, call.timeout())) {
            if (response.status() / 100 != 2) {
                throw GeminiErrors.fromResponse(name, response);
            }
            JsonNode root = response.readJsonObject();
            if (root.path("error").isObject()) {
                throw GeminiErrors.fromErrorObject(name, root.get("error"));
            }
            if (GeminiErrors.isBlocked(root)) {
                throw GeminiErrors.blocked(name, root.get("promptFeedback"));
            }
            return GeminiChat.readResponse(root, clock.instant().getEpochSecond(), call.upstreamModel(), ids);
        }
    }

    @Override
    public ChunkStream stream(ChatRequest request, Call call) {
        byte[] body = GeminiChat.writeRequest(request);
        String path = prefix + modelPath(call.upstreamModel()) + GeminiWire.STREAM;
        UpstreamHttp.Response response = http.postJson(path, headers(call), body, call.timeout());
        if (response.status() / 100 != 2) {
            try (response) {
                throw GeminiErrors.fromResponse(name, response);
            }
        }
        return new GeminiStreamDecoder(name, call.upstreamModel(), http, response, clock, ids);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, Call call) {
        String model = modelPath(call.upstreamModel());
        byte[] body = Json.write(gen -> gen.writeTree(GeminiEmbeddings.toWire(request, model)));
        try (UpstreamHttp.Response response = http.postJson(prefix + model + GeminiWire.BATCH_EMBED, headers(call),
                body, call.timeout())) {
            if (response.status() / 100 != 2) {
                throw GeminiErrors.fromResponse(name, response);
            }
            JsonNode root = response.readJsonObject();
            int inputs = request.input().isTextual() ? 1 : request.input().size();
            if (root.path("embeddings").size() != inputs) {
                throw new UpstreamException(name, ErrorClass.MALFORMED_RESPONSE, response.status(), "The upstream"
                        + " provider '" + name + "' returned " + root.path("embeddings").size() + " embeddings for "
                        + inputs + " inputs.", null, null);
            }
            return GeminiEmbeddings.readResponse(root, request, call.upstreamModel());
        }
    }

    /**
     * The resource name of a model: {@code models/gemini-2.5-flash} for {@code gemini-2.5-flash};
     * names that already are resource names ({@code models/...}, {@code tunedModels/...}) stay.
     * (The HTTP client percent-encodes what a path may not contain.)
     */
    static String modelPath(String model) {
        return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : "models/" + model;
    }

    /** The call's forwarded headers, then the gateway's own, which win (whatever their case). */
    private Map<String, String> headers(Call call) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(call.headers());
        if (apiKey != null && !apiKey.isBlank()) {
            headers.put(GeminiWire.API_KEY_HEADER, apiKey);
        }
        if (call.requestId() != null) {
            headers.put("x-request-id", call.requestId());
        }
        return headers;
    }
}
