package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkScanner;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What every decoder of an upstream SSE body does alike: reading the next event (a read failure
 * is the upstream's transport failure), parsing an event's JSON, the failures for a malformed
 * event and for a body that ends too early, and closing. Subclasses translate the events.
 */
public abstract class SseChunkDecoder implements ChunkStream {
    protected final String provider;
    private final UpstreamHttp http;
    private final UpstreamHttp.Response response;
    private final SseReader reader;
    /** Set once the stream has ended, failed or been closed: nothing more is read. */
    protected boolean finished;

    protected SseChunkDecoder(String provider, UpstreamHttp http, UpstreamHttp.Response response) {
        this.provider = provider;
        this.http = http;
        this.response = response;
        this.reader = new SseReader(response.body());
    }

    /**
     * The next event read without a copy ({@link SseReader#readInPlace}): {@link SseReader#EVENT}, {@link
     * SseReader#ENDED} or {@link SseReader#PENDING_IN_PLACE}; a failed read ends the stream as the upstream's
     * transport failure. The event's data is {@link #eventData()}{@code [0, }{@link #eventLength()}{@code )} until
     * the next read.
     */
    protected final int readInPlace(boolean block) {
        try {
            return reader.readInPlace(block);
        } catch (IOException | RuntimeException e) {
            finished = true;
            throw http.transportFailure(e);
        }
    }

    /** The buffer holding the data of the event {@link #readInPlace} read (reused for the next one). */
    protected final byte[] eventData() {
        return reader.eventData();
    }

    /** The length of the data of the event {@link #readInPlace} read. */
    protected final int eventLength() {
        return reader.eventLength();
    }

    @Override
    public final ChatChunk next() {
        return advance(true);
    }

    /** As {@link #next()}, or {@link #PENDING} while the next event has not wholly arrived. */
    @Override
    public final ChatChunk poll() {
        return advance(false);
    }

    /** Whether the body can be read without blocking ({@link #readInPlace} with {@code block} false). */
    @Override
    public final boolean pollable() {
        return reader.pollable();
    }

    /**
     * The next chunk, or null at the end; when {@code block} is false, {@link #PENDING} instead of waiting for an
     * event that has not wholly arrived (reading with {@link #readInPlace}).
     */
    protected abstract ChatChunk advance(boolean block);

    @Override
    public void onReady(Runnable ready) {
        reader.onReady(ready);
    }

    /** The {@code event:} field of the event {@link #readInPlace} read, or null. */
    protected final String eventName() {
        return reader.eventName();
    }

    /**
     * The data of the event {@link #readInPlace} read, as a JSON object; anything else ends the stream as a
     * MALFORMED_RESPONSE failure. Parsed where it lies when it is well-formed UTF-8 (else as {@link
     * #parseObject(String)} reads it, with malformed bytes replaced): no copy of the event, no string of it.
     */
    protected final JsonNode parseEventObject() {
        byte[] data = reader.eventData();
        int length = reader.eventLength();
        if (!ChunkScanner.wellFormedUtf8(data, 0, length)) {
            return parseObject(new String(data, 0, length, StandardCharsets.UTF_8));
        }
        try {
            JsonNode node = Json.MAPPER.readTree(data, 0, length);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception e) {
            throw malformed("a stream event that is not valid JSON", e);
        }
        throw malformed("a stream event that is not a JSON object", null);
    }

    /** An event's data as a JSON object; anything else ends the stream as a MALFORMED_RESPONSE failure. */
    protected final JsonNode parseObject(String data) {
        try {
            JsonNode node = Json.parseUpstream(data.getBytes(StandardCharsets.UTF_8));
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception e) {
            throw malformed("a stream event that is not valid JSON", e);
        }
        throw malformed("a stream event that is not a JSON object", null);
    }

    /** Ends the stream: the upstream sent {@code what} (e.g. "a stream event that is not valid JSON"). */
    protected UpstreamException malformed(String what, Exception cause) {
        finished = true;
        return new UpstreamException(provider, ErrorClass.MALFORMED_RESPONSE, 200,
                "The upstream provider '" + provider + "' sent " + what + ".", null, cause);
    }

    /** The failure for a body that ended before the stream was complete. */
    protected final UpstreamException endedEarly() {
        return new UpstreamException(provider, ErrorClass.CONNECTION, 200,
                "The upstream provider '" + provider + "' ended the stream before it was complete.", null, null);
    }

    @Override
    public void close() {
        finished = true;
        // the connection first: that is what unblocks a read in progress on another thread
        response.close();
        reader.close();
    }
}
