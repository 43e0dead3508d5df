package dev.sluice.server;

import dev.sluice.api.ChunkStream;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request and its response in progress, as Sluice's endpoints see it. The transport
 * (Netty, see {@link Transport}) implements the few abstract primitives; everything
 * Sluice-specific about reading and answering (the body limit, error bodies, Retry-After, SSE
 * framing) is written once here, so a new transport cannot change what clients see.
 *
 * <p>Blocking and single-threaded: the request's own virtual thread reads the body and writes
 * the answer. The response is sent once, with {@link #send}, or streamed with {@link #openSse}.
 */
public abstract class HttpCall {
    /**
     * Bodies declared up to this size are read into one array of their size; larger ones as they
     * arrive, so that a client declaring a large body and sending little cannot make Sluice allocate it.
     */
    private static final int EXACT_READ_MAX = 256 * 1024;

    private final RequestContext context = new RequestContext();
    /** See {@link #receivedNanos()}: made with the call, which the transport does where it read the request's head. */
    private final long receivedNanos = System.nanoTime();
    private Map<String, String> pathParams = Map.of();
    private String requestId;

    /**
     * When the request's head had been read ({@link System#nanoTime()}): the Netty transport makes its call on the
     * event loop that read it, before the request's virtual thread is started, so what a request then waits for a
     * carrier (behind other requests, or the loop's other work) counts in its latency and time to first token.
     */
    public long receivedNanos() {
        return receivedNanos;
    }

    // ---- what a transport provides

    /** The request method, upper case ({@code GET}, {@code POST}...). */
    public abstract String method();

    /**
     * The path as sent, percent-encoding kept ({@code /admin/users/a%2Fb}): routes match on it so an
     * encoded {@code /} stays inside one path parameter, which is then decoded.
     */
    public abstract String rawPath();

    /** The request path, decoded and normalised, without the query string. */
    public abstract String path();

    /** The first value of a query parameter, decoded, or null. */
    public abstract String query(String name);

    /** Every value of a query parameter, in order (empty when absent). */
    public abstract List<String> queryAll(String name);

    /** The query string as sent (without the {@code ?}), or "" when there is none. */
    public abstract String queryString();

    /** The first value of a request header, by lower-case name, or null. */
    public abstract String header(String lowerCaseName);

    /**
     * The client's IP address as the socket sees it (a proxy's, behind one), or null when the
     * transport does not tell.
     */
    public String remoteAddress() {
        return null;
    }

    /** Request headers with lower-case names (first value of each). */
    public abstract Map<String, String> headers();

    /**
     * Every request header line in arrival order, names as sent, repeated names repeated (for a
     * faithful record of the request, e.g. the simulator's); by default, {@link #headers()}.
     */
    public List<Map.Entry<String, String>> headerLines() {
        return List.copyOf(headers().entrySet());
    }

    /** The declared {@code Content-Length}, or -1 when none was declared. */
    protected abstract long declaredLength();

    /** The request body as a stream, already inflated when it was sent gzip-compressed. */
    protected abstract InputStream bodyStream();

    /**
     * Sets a response header (replacing an earlier value of the same name). The name goes on the
     * wire as written; standard headers the transport acts on are written in their canonical case
     * ({@code Connection}, {@code Content-Type}) so it recognises them.
     */
    public abstract void header(String name, String value);

    /** Sends the whole response. */
    public abstract void send(int status, String contentType, byte[] body);

    /** Starts a streamed response with the headers set so far; the caller writes and closes it. */
    protected abstract OutputStream stream(int status);

    /** Whether the response has been sent (or its stream started). */
    public abstract boolean isSent();

    /**
     * Drops the connection the way a failing server does: before a response, the client sees the
     * connection close without any status line; in a streamed response, the body ends without its
     * terminating chunk (bytes already flushed go out first, unflushed ones are dropped). Afterwards
     * the call counts as sent, further writes fail and the connection is not reused. Idempotent.
     * For fault injection (the simulator's {@code x-sim-reset-after}); Sluice's own endpoints always answer.
     */
    public abstract void abortConnection();

    /** Whether the request came over TLS (an HTTPS listener). */
    public boolean secure() {
        return false;
    }

    /**
     * Whether the client has closed its connection. The transport notices at once (not only on the
     * next write), so long work for this request (a guardrail scan, waiting on the upstream) can stop.
     */
    public boolean clientGone() {
        return false;
    }

    // ---- what Sluice builds on them

    /**
     * Reads the body, refusing (413) anything over {@code limitBytes}, declared or not; for a gzip
     * body the limit applies to the inflated size, so a small "gzip bomb" cannot fill memory.
     */
    public final byte[] body(long limitBytes) {
        if (declaredLength() > limitBytes) {
            throw SluiceException.tooLarge(limitBytes);
        }
        try (InputStream in = bodyStream()) {
            long declared = declaredLength();
            if (declared >= 0 && declared <= EXACT_READ_MAX && header("content-encoding") == null) {
                return exactly(in, (int) declared);
            }
            byte[] body = in.readNBytes((int) Math.min(limitBytes + 1, Integer.MAX_VALUE - 8));
            if (body.length > limitBytes) {
                throw SluiceException.tooLarge(limitBytes);
            }
            return body;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw SluiceException.invalidRequest(null, "The body is marked Content-Encoding: gzip but does not inflate: "
                    + e.getMessage() + ".");
        } catch (IOException e) {
            throw new ClientGone(e.getMessage());
        }
    }

    /**
     * A body of a declared length (already checked against the limit): read straight into one array of
     * that size, not in 16 KiB chunks copied together (what {@code readNBytes(limit)} does), which was
     * a fifth of the bytes allocated per chat request. A body that ends early means the client went away.
     */
    private static byte[] exactly(InputStream in, int declared) throws IOException {
        byte[] body = new byte[declared];
        int n = in.readNBytes(body, 0, declared);
        if (n < declared) {
            throw new ClientGone("the body ended after " + n + " of its declared " + declared + " bytes");
        }
        return body;
    }

    /** A path parameter of the matched route ({@code id} in {@code /admin/keys/{id}}), or null. */
    public final String pathParam(String name) {
        return pathParams.get(name);
    }

    /** This request's id: the client's {@code x-request-id} when it is sane, else a new one. */
    public final String requestId() {
        if (requestId == null) {
            requestId = HttpIo.requestId(header(HttpIo.REQUEST_ID));
        }
        return requestId;
    }

    /** Per-request attributes, among them the caller resolved by the route's {@link Guard}. */
    public final RequestContext context() {
        return context;
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    public final String bearerToken() {
        String h = header("authorization");
        if (h == null) {
            return null;
        }
        h = h.strip();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
    }

    public final void sendJson(int status, byte[] json) {
        send(status, "application/json", json);
    }

    /**
     * A JSON answer generated whole before it is sent (an error in the writer sends nothing). A
     * transport may generate it straight into its own buffer; by default it is made into an array first.
     */
    public void sendJson(int status, Json.Writer writer) {
        sendJson(status, Json.write(writer));
    }

    /**
     * A JSON answer written as it is generated, for answers too large to build in memory first. The
     * status is sent before the first byte, so the writer must have done everything that can fail.
     */
    public final void streamJson(int status, Json.Writer writer) {
        header("Content-Type", "application/json");
        try (OutputStream out = stream(status)) {
            Json.write(out, writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A chunked response body in a wire format of the caller's own (the simulator's provider streams,
     * with {@code event:} lines); each {@code flush()} puts what was written on the wire at once.
     * Sluice's own streams use {@link #openSse}.
     */
    public final OutputStream openStream(int status, String contentType) {
        header("Content-Type", contentType);
        return stream(status);
    }

    /** An OpenAI-format error, with {@code retry-after} (seconds) and {@code retry-after-ms} when it carries one. */
    public final void sendError(SluiceException e) {
        if (e.retryAfter() != null) {
            long millis = e.retryAfter().toMillis();
            header(HttpIo.RETRY_AFTER, Long.toString((millis + 999) / 1000));
            header(HttpIo.RETRY_AFTER_MS, Long.toString(millis));
        }
        sendJson(e.status(), ErrorCodec.write(e));
    }

    /**
     * Forwards a {@linkplain ChunkStream#pollable() pollable} stream into the Server-Sent Events response
     * opened by {@link #openSse} (nothing written to it yet), from the transport's own thread as chunks
     * arrive, and returns once the stream has ended ({@code [DONE]} or an in-band error sent) or the client
     * has gone. The caller then closes the stream and the response as it would have. Null when this
     * transport cannot: the caller reads and writes the stream itself.
     */
    public StreamEvents.End forwardSse(ChunkStream chunks, StreamEvents events) {
        return null;
    }

    /** Starts a Server-Sent Events response: each event leaves as soon as it is written. */
    public final SseSink openSse(int status) {
        header("Content-Type", "text/event-stream; charset=utf-8");
        header("Cache-Control", "no-cache");
        header("x-accel-buffering", "no");
        return new SseSink(stream(status));
    }

    final void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }
}
