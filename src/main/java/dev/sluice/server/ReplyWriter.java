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
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
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
                call.sendJson(200, gen -> ChatResponseCodec.writeResponse(gen, chat.response()));
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
            call.header(COST, java.math.BigDecimal.valueOf(cost).toPlainString());
        }
    }

    static void fail(Exchange ex, HttpCall call, SluiceException e) {
        call.sendError(e);
        ex.complete(e.status(), e.code() != null ? e.code() : e.type());
    }

    private static void stream(Exchange ex, ChunkStream chunks, HttpCall call) {
        boolean clientWantsUsage = ex.chat().includeUsage();
        int status = 200;
        String errorType = null;
        try (chunks; SseSink out = call.openSse(200)) {
            try {
                ChatChunk chunk;
                while ((chunk = chunks.next()) != null) {
                    if (call.clientGone()) {
                        // the transport saw the connection close: stop reading the upstream now, not at the next write
                        throw new IOException("the client went away");
                    }
                    byte[] wire = chunks.wire();
                    if (chunk.usage() != null && !clientWantsUsage) {
                        if (chunk.choices().isEmpty()) {
                            continue;
                        }
                        chunk = chunk.withoutUsage();
                        wire = null;
                    }
                    // an upstream that speaks the client's format, and nothing changed the chunk: its bytes as they came
                    out.data(wire != null ? wire : ChatResponseCodec.writeChunk(chunk));
                    if (chunk.hasContent()) {
                        ex.markFirstToken();
                    }
                }
                out.data(DONE);
            } catch (SluiceException e) {
                // the stream broke after headers were sent: tell the client in-band, then end it
                status = e.status();
                errorType = e.code() != null ? e.code() : e.type();
                out.data(ErrorCodec.write(e));
            } catch (UncheckedIOException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("request {} failed mid-stream", ex.requestId(), e);
                SluiceException internal = SluiceException.internal(
                        "Sluice hit an internal error mid-stream (request id " + ex.requestId() + ").", e);
                status = internal.status();
                errorType = internal.code();
                out.data(ErrorCodec.write(internal));
            }
        } catch (IOException | UncheckedIOException e) {
            status = CLIENT_CLOSED;
            errorType = "client_disconnected";
            LOG.debug("client of request {} went away mid-stream", ex.requestId());
        } finally {
            ex.complete(status, errorType);
        }
    }
}
