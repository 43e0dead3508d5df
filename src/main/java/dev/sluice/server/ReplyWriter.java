package dev.sluice.server;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the pipeline's reply: JSON for completions and embeddings, Server-Sent Events for
 * streams (each chunk flushed as soon as it is translated, never buffered), the OpenAI error
 * format for failures. Then completes the exchange with the final status, so the request log and
 * every completion listener see what the client actually got.
 */
final class ReplyWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyWriter.class);
    /** Status recorded when the client went away mid-response (nginx's convention). */
    static final int CLIENT_CLOSED = 499;
    static final String COST = "x-sluice-cost";

    private ReplyWriter() {}

    static void write(Exchange ex, Reply reply, HttpCall call) {
        for (Map.Entry<String, String> h : ex.responseHeaders().entrySet()) {
            call.header(h.getKey(), h.getValue());
        }
        switch (reply) {
            case Reply.Chat chat -> {
                costHeader(ex, call);
                if (chat.wire() != null) {
                    call.sendJson(200, chat.wire()); // the upstream's bytes: what the line below would write
                } else {
                    call.sendJson(200, gen -> ChatResponseCodec.writeResponse(gen, chat.response()));
                }
                ex.markFirstToken();
                ex.complete(200, null);
            }
            case Reply.Embeddings embeddings -> {
                costHeader(ex, call);
                call.sendJson(200, EmbeddingCodec.writeResponse(embeddings.response()));
                ex.complete(200, null);
            }
            case Reply.Failure failure -> fail(ex, call, failure.error());
            case Reply.Stream stream -> stream(ex, stream.chunks(), call);
        }
    }

    /**
     * {@code x-sluice-cost}: the USD cost of a whole answer as the pipeline settled it (usage and
     * the price catalog), so clients such as {@code sluice eval} need no price list of their own.
     * Streams cannot carry it in a header: their usage arrives with the last chunk.
     */
    private static void costHeader(Exchange ex, HttpCall call) {
        Double cost = ex.settleBeforeWriting();
        if (cost != null) {
            call.header(COST, plain(cost));
        }
    }

    /**
     * {@code BigDecimal.valueOf(d).toPlainString()} (the shortest decimal that reads back as {@code d}, never in
     * E notation), from {@code Double.toString}'s digits without making the BigDecimal and its strings: a cost is
     * usually below 0.001, which {@code Double.toString} writes as {@code 3.075E-5}.
     */
    static String plain(double d) {
        if (d == 0 || !Double.isFinite(d)) {
            return java.math.BigDecimal.valueOf(d).toPlainString(); // "-0.0" becomes "0.0"; NaN and infinities throw
        }
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) {
            return s; // no exponent: BigDecimal writes the same digits
        }
        int sign = s.charAt(0) == '-' ? 1 : 0;
        int exponent = Integer.parseInt(s, e + 1, s.length(), 10);
        // the mantissa is d.ddd: its digits without the point, and the scale of the number they make
        int fraction = e - (sign + 2);
        int digits = fraction + 1;
        int scale = fraction - exponent;
        StringBuilder out = new StringBuilder(digits + Math.abs(scale) + 3);
        if (sign == 1) {
            out.append('-');
        }
        if (scale <= 0) {
            out.append(s, sign, sign + 1).append(s, sign + 2, e);
            out.repeat('0', -scale);
        } else if (digits > scale) {
            int point = digits - scale; // digits before the point
            out.append(s, sign, sign + 1).append(s, sign + 2, sign + 2 + point - 1).append('.')
                    .append(s, sign + 2 + point - 1, e);
        } else {
            out.append("0.").repeat('0', scale - digits).append(s, sign, sign + 1).append(s, sign + 2, e);
        }
        return out.toString();
    }

    static void fail(Exchange ex, HttpCall call, SluiceException e) {
        call.sendError(e);
        ex.complete(e.status(), e.code() != null ? e.code() : e.type());
    }

    private static void stream(Exchange ex, ChunkStream chunks, HttpCall call) {
        StreamEvents events = new StreamEvents(ex);
        StreamEvents.End end = StreamEvents.End.OK;
        try (chunks; SseSink out = call.openSse(200)) {
            // a stream that can be read without blocking goes from the transport's event loop as it arrives:
            // this thread waits once for its end instead of parking between chunks
            StreamEvents.End forwarded = chunks.pollable() ? call.forwardSse(chunks, events) : null;
            if (forwarded == StreamEvents.End.CLIENT_CLOSED) {
                throw new IOException("the client went away");
            }
            end = forwarded != null ? forwarded : pull(chunks, events, out, call);
        } catch (IOException | UncheckedIOException e) {
            end = StreamEvents.End.CLIENT_CLOSED;
            LOG.debug("client of request {} went away mid-stream", ex.requestId());
        } finally {
            ex.complete(end.status(), end.errorType());
        }
    }

    /** Reads the stream chunk by chunk on this thread, writing each as it comes. */
    private static StreamEvents.End pull(ChunkStream chunks, StreamEvents events, SseSink out, HttpCall call)
            throws IOException {
        try {
            ChatChunk chunk;
            while ((chunk = chunks.next()) != null) {
                if (call.clientGone()) {
                    // the transport saw the connection close: stop reading the upstream now, not at the next write
                    throw new IOException("the client went away");
                }
                byte[] payload = events.payload(chunk, chunks.wire(), chunks.wireLength());
                if (payload != null) {
                    out.data(payload, events.length());
                }
            }
            out.data(events.done());
            return StreamEvents.End.OK;
        } catch (UncheckedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            StreamEvents.Failure failure = events.failed(e);
            out.data(failure.payload());
            return failure.end();
        }
    }
}
