package dev.sluice.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.SseReader;
import dev.sluice.provider.UpstreamErrors;
import dev.sluice.provider.UpstreamException;
import dev.sluice.provider.UpstreamHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decodes an OpenAI-format SSE body into canonical chunks, one event at a time. Chunks with
 * neither choices nor usage (Azure's leading {@code prompt_filter_results} chunk) are skipped.
 */
final class OpenAiStream implements ChunkStream {
    private final String provider;
    private final UpstreamHttp http;
    private final UpstreamHttp.Response response;
    private final SseReader reader;
    private boolean finished;
    private boolean sawFinishReason;

    OpenAiStream(String provider, UpstreamHttp http, UpstreamHttp.Response response) {
        this.provider = provider;
        this.http = http;
        this.response = response;
        this.reader = new SseReader(response.body());
    }

    @Override
    public ChatChunk next() {
        if (finished) {
            return null;
        }
        while (true) {
            SseReader.Event event;
            try {
                event = reader.next();
            } catch (IOException | RuntimeException e) {
                finished = true;
                throw http.transportFailure(e);
            }
            if (event == null) {
                finished = true;
                if (sawFinishReason) {
                    return null;
                }
                throw new UpstreamException(provider, ErrorClass.CONNECTION, 200,
                        "The upstream provider '" + provider + "' ended the stream before it was complete.", null, null);
            }
            String data = event.data();
            if (data.equals("[DONE]")) {
                finished = true;
                return null;
            }
            JsonNode node;
            try {
                node = Json.parseUpstream(data.getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                finished = true;
                throw new UpstreamException(provider, ErrorClass.MALFORMED_RESPONSE, 200,
                        "The upstream provider '" + provider + "' sent a stream event that is not valid JSON.", null, e);
            }
            if (node == null || !node.isObject()) {
                continue;
            }
            if (node.has("error")) {
                finished = true;
                throw UpstreamErrors.classify(provider, node.path("error").path("code").asInt(500),
                        ErrorCodec.upstreamMessage(data.getBytes(StandardCharsets.UTF_8)), null);
            }
            ChatChunk chunk = ChatResponseCodec.readChunk(node);
            if (chunk.choices().isEmpty() && chunk.usage() == null) {
                // Azure opens its streams with a chunk carrying only prompt_filter_results: nothing for a client
                continue;
            }
            for (var choice : chunk.choices()) {
                if (choice.finishReason() != null) {
                    sawFinishReason = true;
                }
            }
            return chunk;
        }
    }

    @Override
    public void close() {
        finished = true;
        // the connection first: that is what unblocks a read in progress on another thread
        response.close();
        reader.close();
    }
}
