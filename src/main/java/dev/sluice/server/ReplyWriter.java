package dev.sluice.server;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Status recorded when the client went away mid-response (nginx's convention). */
    static final int CLIENT_CLOSED = 499;
    private static final Map<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    private ReplyWriter() {}

    static void write(Exchange ex, Reply reply, ServerResponse res) {
        for (Map.Entry<String, String> h : ex.responseHeaders().entrySet()) {
            res.header(NAMES.computeIfAbsent(h.getKey(), HeaderNames::create), h.getValue());
        }
        switch (reply) {
            case Reply.Chat chat -> {
                HttpIo.sendJson(res, 200, ChatResponseCodec.writeResponse(chat.response()));
                ex.markFirstToken();
                ex.complete(200, null);
            }
            case Reply.Embeddings embeddings -> {
                HttpIo.sendJson(res, 200, EmbeddingCodec.writeResponse(embeddings.response()));
                ex.complete(200, null);
            }
            case Reply.Failure failure -> fail(ex, res, failure.error());
            case Reply.Stream stream -> stream(ex, stream.chunks(), res);
        }
    }

    static void fail(Exchange ex, ServerResponse res, SluiceException e) {
        HttpIo.sendError(res, e);
        ex.complete(e.status(), e.code() != null ? e.code() : e.type());
    }

    private static void stream(Exchange ex, ChunkStream chunks, ServerResponse res) {
        boolean clientWantsUsage = ex.chat().includeUsage();
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("x-accel-buffering"), "no");
        int status = 200;
        String errorType = null;
        try (chunks; OutputStream out = res.outputStream()) {
            try {
                ChatChunk chunk;
                while ((chunk = chunks.next()) != null) {
                    if (chunk.usage() != null && !clientWantsUsage) {
                        if (chunk.choices().isEmpty()) {
                            continue;
                        }
                        chunk = chunk.withoutUsage();
                    }
                    writeEvent(out, ChatResponseCodec.writeChunk(chunk));
                    if (chunk.hasContent()) {
                        ex.markFirstToken();
                    }
                }
                out.write(DONE);
                out.flush();
            } catch (SluiceException e) {
                // the stream broke after headers were sent: tell the client in-band, then end it
                status = e.status();
                errorType = e.code() != null ? e.code() : e.type();
                writeEvent(out, ErrorCodec.write(e));
            } catch (UncheckedIOException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("request {} failed mid-stream", ex.requestId(), e);
                SluiceException internal = SluiceException.internal(
                        "Sluice hit an internal error mid-stream (request id " + ex.requestId() + ").", e);
                status = internal.status();
                errorType = internal.code();
                writeEvent(out, ErrorCodec.write(internal));
            }
        } catch (IOException | UncheckedIOException e) {
            status = CLIENT_CLOSED;
            errorType = "client_disconnected";
            LOG.debug("client of request {} went away mid-stream", ex.requestId());
        } finally {
            ex.complete(status, errorType);
        }
    }

    private static void writeEvent(OutputStream out, byte[] json) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(END_OF_EVENT);
        out.flush();
    }

}
