package dev.sluice.provider.openai;

import dev.sluice.api.CanonicalAnswer;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.config.NoOptions;
import dev.sluice.config.OptionsSchema;
import dev.sluice.provider.Call;
import dev.sluice.provider.Provider;
import dev.sluice.provider.ProviderType;
import dev.sluice.provider.UpstreamErrors;
import dev.sluice.provider.UpstreamHttp;
import dev.sluice.provider.openai.OpenAiEndpoint.Operation;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Any OpenAI-compatible server: OpenAI itself, vLLM, Ollama, Groq, Together, LM Studio, the
 * built-in simulator — and, with another {@link OpenAiEndpoint}, Azure OpenAI. The canonical
 * format is OpenAI's, so requests go out as they came in (with the upstream's model name) and
 * unknown fields pass through.
 */
public final class OpenAiProvider implements Provider {
    /** {@code type: openai}: api.openai.com, or any OpenAI-compatible server at {@code base_url}. */
    public static final ProviderType<NoOptions> TYPE = new ProviderType<>("openai", "https://api.openai.com/v1", null,
            OptionsSchema.none(), (config, options, shared) -> new OpenAiProvider(config.name(), config.baseUrl(),
                    config.apiKey(), config.connectTimeout()));

    /** Answers up to this size (by their Content-Length) are read whole, and sent on as they came when they can be. */
    private static final int MAX_KEPT_ANSWER = 256 * 1024;

    private final String name;
    private final UpstreamHttp http;
    private final OpenAiEndpoint endpoint;

    /** An OpenAI-compatible server at {@code baseUrl} (e.g. {@code https://api.openai.com/v1}), bearer-authenticated. */
    public OpenAiProvider(String name, String baseUrl, String apiKey, Duration connectTimeout) {
        this(name, baseUrl, connectTimeout, OpenAiEndpoint.bearer(apiKey));
    }

    /** An OpenAI-format upstream whose paths and credentials follow {@code endpoint}. */
    public OpenAiProvider(String name, String baseUrl, Duration connectTimeout, OpenAiEndpoint endpoint) {
        this.name = name;
        this.http = new UpstreamHttp(name, baseUrl, connectTimeout);
        this.endpoint = endpoint;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResponse chat(ChatRequest request, Call call) {
        return chatAnswer(request, call).response();
    }

    /**
     * The answer, read from its bytes; those bytes go to the client as they are when they are what Sluice would
     * write for the answer anyway. The request goes out as the client sent it when nothing changed it and the
     * upstream's model name is the client's ({@link Call#clientBody}), else written from the request.
     */
    @Override
    public Answer chatAnswer(ChatRequest request, Call call) {
        byte[] clientBody = call.clientBody();
        try (UpstreamHttp.Response response = clientBody != null && !request.stream()
                && call.upstreamModel().equals(request.model())
                ? http.postJson(path(Operation.CHAT, call), headers(call), clientBody, call.timeout())
                : http.postJson(path(Operation.CHAT, call), headers(call),
                        // written straight into the connection's buffer
                        gen -> ChatRequestCodec.write(gen, request.withModel(call.upstreamModel()), false), call.timeout())) {
            if (response.status() / 100 != 2) {
                throw UpstreamErrors.fromResponse(name, response);
            }
            byte[] wire = response.readSized(MAX_KEPT_ANSWER);
            if (wire == null) {
                // no length, or a large answer: streamed into the records, no tree, written again for the client
                return new Answer(response.readJson(ChatResponseCodec::readResponse), null);
            }
            ChatResponse answer = response.parse(wire, ChatResponseCodec::readResponse);
            int length = CanonicalAnswer.length(wire, answer);
            return new Answer(answer, length < 0 ? null : length == wire.length ? wire : java.util.Arrays.copyOf(wire, length));
        }
    }

    @Override
    public ChunkStream stream(ChatRequest request, Call call) {
        ChatRequest upstream = request.withModel(call.upstreamModel());
        UpstreamHttp.Response response = http.postJson(path(Operation.CHAT, call), headers(call),
                gen -> ChatRequestCodec.write(gen, upstream, true), call.timeout());
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
        try (UpstreamHttp.Response response = http.postJson(path(Operation.EMBEDDINGS, call), headers(call), body,
                call.timeout())) {
            if (response.status() / 100 != 2) {
                throw UpstreamErrors.fromResponse(name, response);
            }
            return EmbeddingCodec.readResponse(response.readJsonObject());
        }
    }

    private String path(Operation operation, Call call) {
        return endpoint.path(operation, call.upstreamModel());
    }

    /**
     * The call's forwarded headers, then the gateway's own, which win whatever their case (a
     * forwarded {@code Authorization} or {@code Api-Key} never replaces the configured key).
     */
    private Map<String, String> headers(Call call) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(call.headers());
        endpoint.authenticate(headers);
        if (call.requestId() != null) {
            headers.put("x-request-id", call.requestId());
        }
        return headers;
    }
}
