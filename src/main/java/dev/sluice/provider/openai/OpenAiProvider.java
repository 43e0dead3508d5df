package dev.sluice.provider.openai;

import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.Json;
import dev.sluice.provider.Call;
import dev.sluice.provider.Provider;
import dev.sluice.provider.UpstreamErrors;
import dev.sluice.provider.UpstreamHttp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Any OpenAI-compatible server: OpenAI itself, vLLM, Ollama, Groq, Together, LM Studio, the
 * built-in simulator. The canonical format is OpenAI's, so requests go out as they came in (with
 * the upstream's model name) and unknown fields pass through.
 */
public final class OpenAiProvider implements Provider {
    private final String name;
    private final UpstreamHttp http;
    private final String apiKey;

    public OpenAiProvider(String name, String baseUrl, String apiKey, Duration connectTimeout) {
        this.name = name;
        this.http = new UpstreamHttp(name, baseUrl, connectTimeout);
        this.apiKey = apiKey;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResponse chat(ChatRequest request, Call call) {
        byte[] body = ChatRequestCodec.write(request.withModel(call.upstreamModel()));
        try (UpstreamHttp.Response response = http.postJson("chat/completions", headers(call), body, call.timeout())) {
            if (response.status() / 100 != 2) {
                throw UpstreamErrors.fromResponse(name, response);
            }
            return ChatResponseCodec.readResponse(response.readJsonObject());
        }
    }

    @Override
    public ChunkStream stream(ChatRequest request, Call call) {
        byte[] body = Json.write(gen -> ChatRequestCodec.write(gen, request.withModel(call.upstreamModel()), true));
        UpstreamHttp.Response response = http.postJson("chat/completions", headers(call), body, call.timeout());
        if (response.status() / 100 != 2) {
            try (response) {
                throw UpstreamErrors.fromResponse(name, response);
            }
        }
        return new OpenAiStream(name, http, response);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, Call call) {
        byte[] body = EmbeddingCodec.writeRequest(request.withModel(call.upstreamModel()));
        try (UpstreamHttp.Response response = http.postJson("embeddings", headers(call), body, call.timeout())) {
            if (response.status() / 100 != 2) {
                throw UpstreamErrors.fromResponse(name, response);
            }
            return EmbeddingCodec.readResponse(response.readJsonObject());
        }
    }

    private Map<String, String> headers(Call call) {
        Map<String, String> headers = new HashMap<>(call.headers());
        if (apiKey != null && !apiKey.isBlank()) {
            headers.put("authorization", "Bearer " + apiKey);
        }
        headers.put("x-request-id", call.requestId());
        return headers;
    }

}
