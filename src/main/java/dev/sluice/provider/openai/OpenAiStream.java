package dev.sluice.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkScanner;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import dev.sluice.provider.SseChunkDecoder;
import dev.sluice.provider.SseReader;
import dev.sluice.provider.UpstreamErrors;
import dev.sluice.provider.UpstreamHttp;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes an OpenAI-format SSE body into canonical chunks, one event at a time. Chunks with
 * neither choices nor usage (Azure's leading {@code prompt_filter_results} chunk) are skipped.
 *
 * <p>Each event's bytes are read straight into a {@link ChatChunk} (the usual event by a {@link ChunkScanner},
 * the rest by a Jackson parser; no JSON tree) and kept as the
 * chunk's {@linkplain #wire() wire form}: the upstream already speaks the client's format, so a
 * writer that changes nothing sends those bytes instead of serialising the chunk again.
 */
final class OpenAiStream extends SseChunkDecoder {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private boolean sawFinishReason;
    /** The buffer holding the last chunk's bytes (the reader's, or a copy), and how many are the chunk's: see {@link #wire()}. */
    private byte[] wire;
    private int wireLength = -1;
    /** Reads the usual event without a JSON parser; what it declines is read with Jackson below. */
    private final ChunkScanner scanner = new ChunkScanner();

    OpenAiStream(String provider, UpstreamHttp http, UpstreamHttp.Response response) {
        super(provider, http, response);
    }

    @Override
    protected ChatChunk advance(boolean block) {
        wireLength = -1;
        if (finished) {
            return null;
        }
        while (true) {
            int found = readInPlace(block);
            if (found == SseReader.PENDING_IN_PLACE) {
                return PENDING;
            }
            if (found == SseReader.ENDED) {
                finished = true;
                if (sawFinishReason) {
                    return null;
                }
                throw endedEarly();
            }
            byte[] data = eventData();
            int length = eventLength();
            if (Arrays.equals(data, 0, length, DONE, 0, DONE.length)) {
                finished = true;
                return null;
            }
            ChatChunk chunk = scanner.scan(data, length);
            if (chunk != null) {
                // the scanner accepts only one object alone on one line: its bytes go to the client as they are
                if (wire != data) {
                    wire = data; // the reader's buffer, the same from event to event: stored when it grows
                }
                wireLength = length;
            } else {
                chunk = read(Arrays.copyOf(data, length));
            }
            if (chunk == null) {
                continue;
            }
            if (chunk.choices().isEmpty() && chunk.usage() == null) {
                // Azure opens its streams with a chunk carrying only prompt_filter_results: nothing for a client
                wireLength = -1;
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

    /**
     * The event as a chunk, or null for one to skip (not a JSON object); an upstream error event ends
     * the stream with that error. Sets {@link #wire} when the bytes can be forwarded as they are.
     */
    private ChatChunk read(byte[] data) {
        try (JsonParser p = Json.FACTORY.createParser(data)) {
            ChatChunk chunk = ChatResponseCodec.readChunk(p);
            if (chunk != null) {
                // one object, alone on one line: a second object or a line break would not survive as one `data:` line
                if (p.nextToken() == null && !hasLineBreak(data)) {
                    wire = data;
                    wireLength = data.length;
                }
                return chunk;
            }
        } catch (Exception e) {
            throw malformed("a stream event that is not valid JSON", e);
        }
        // not an object, or an error event: the rare cases, read as a tree
        JsonNode node;
        try {
            node = Json.parseUpstream(data);
        } catch (Exception e) {
            throw malformed("a stream event that is not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        if (node.has("error")) {
            finished = true;
            throw UpstreamErrors.classify(provider, node.path("error").path("code").asInt(500),
                    ErrorCodec.upstreamMessage(data), null);
        }
        return ChatResponseCodec.readChunk(node);
    }

    private static boolean hasLineBreak(byte[] data) {
        for (byte b : data) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    /** The bytes of the chunk last returned are {@code wire[0, wireLength)}; none while {@code wireLength < 0}. */
    @Override
    public byte[] wire() {
        return wireLength < 0 ? null : wire;
    }

    @Override
    public int wireLength() {
        return wireLength;
    }
}
