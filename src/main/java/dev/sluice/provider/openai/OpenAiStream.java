package dev.sluice.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import dev.sluice.provider.SseChunkDecoder;
import dev.sluice.provider.SseReader;
import dev.sluice.provider.UpstreamErrors;
import dev.sluice.provider.UpstreamHttp;
import java.nio.charset.StandardCharsets;

/**
 * Decodes an OpenAI-format SSE body into canonical chunks, one event at a time. Chunks with
 * neither choices nor usage (Azure's leading {@code prompt_filter_results} chunk) are skipped.
 */
final class OpenAiStream extends SseChunkDecoder {
    private boolean sawFinishReason;

    OpenAiStream(String provider, UpstreamHttp http, UpstreamHttp.Response response) {
        super(provider, http, response);
    }

    @Override
    public ChatChunk next() {
        if (finished) {
            return null;
        }
        while (true) {
            SseReader.Event event = nextEvent();
            if (event == null) {
                finished = true;
                if (sawFinishReason) {
                    return null;
                }
                throw endedEarly();
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
                throw malformed("a stream event that is not valid JSON", e);
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
}
