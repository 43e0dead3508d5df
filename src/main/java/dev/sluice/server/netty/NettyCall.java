package dev.sluice.server.netty;

import dev.sluice.api.ChunkStream;
import dev.sluice.api.Json;
import dev.sluice.server.HttpCall;
import dev.sluice.server.StreamEvents;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Netty request as an {@link HttpCall}. The event loop feeds the body ({@link ByteBufQueueInput}); the
 * request's virtual thread reads it and writes the answer, which Netty queues to the event loop. A
 * streamed answer waits (on the virtual thread) whenever the connection's outbound buffer is over its
 * high-water mark, so a slow reader holds back its stream instead of filling memory; once the client is
 * gone every read and write fails with an {@link IOException} at once.
 */
final class NettyCall extends HttpCall {
    private final Channel channel;
    private final HttpRequest request;
    private final String rawPath;
    private final String path;
    private final String queryString;
    private final boolean secure;
    /** At most this much of a request body waits in memory; past it the connection stops reading. */
    static final int BODY_HIGH_WATER = 256 * 1024;
    private final ByteBufQueueInput body;
    private final boolean gzip;
    private final HttpHeaders out = new DefaultHttpHeaders();
    private QueryStringDecoder query;
    private Map<String, String> headers;
    private volatile boolean sent;
    private volatile String gone;
    boolean keepAlive;
    private ChunkedOut stream;
    /** The stream being forwarded from the event loop ({@link #forwardSse}), or null. */
    private volatile SsePump pump;
    /**
     * Where the end of this request stands between its thread and the event loop (see {@link Front#answered}):
     * {@link #OPEN}, then {@link #ANSWERED} once the loop wrote a whole kept-alive answer, then {@link #FINISHED}
     * (the thread ended after that: the loop takes it up lazily) or {@link #EXPIRED} (the loop stopped waiting
     * for a lazy hand-over: the thread wakes it as before).
     */
    final java.util.concurrent.atomic.AtomicInteger handoff = new java.util.concurrent.atomic.AtomicInteger();
    static final int OPEN = 0;
    static final int ANSWERED = 1;
    static final int FINISHED = 2;
    static final int EXPIRED = 3;
    /** Told on the event loop when a whole kept-alive answer was written, or null. */
    Front front;

    NettyCall(Channel channel, HttpRequest request, String rawPath, String path, String queryString, boolean secure,
              boolean keepAlive, boolean gzip) {
        this.channel = channel;
        this.request = request;
        this.rawPath = rawPath;
        this.path = path;
        this.queryString = queryString;
        this.secure = secure;
        this.keepAlive = keepAlive;
        this.gzip = gzip;
        this.body = new ByteBufQueueInput(channel, BODY_HIGH_WATER, 0, null);
    }

    ByteBufQueueInput bodyInput() {
        return body;
    }

    /** On the event loop: the connection closed. */
    void closed(String why) {
        gone = why;
        body.fail(new IOException("the client went away: " + why)); // a reader blocked on the body wakes now
        SsePump p = pump;
        if (p != null) {
            p.wake(); // it ends the stream and lets the request's thread close the upstream
        }
    }

    /** On the event loop: the connection's outbound buffer crossed its high- or low-water mark. */
    void writabilityChanged() {
        SsePump p = pump;
        if (p != null && channel.isWritable()) {
            p.wake();
        }
    }

    /**
     * Forwards the stream from the connection's event loop (an {@link SsePump}) and waits here once for its
     * end, instead of this thread parking between chunks.
     */
    @Override
    public StreamEvents.End forwardSse(ChunkStream chunks, StreamEvents events) {
        if (stream == null || stream.closed || stream.count > 0) {
            return null; // not a fresh SSE response: the caller writes it itself
        }
        SsePump p = new SsePump(channel, chunks, events, this);
        pump = p;
        try {
            return p.forward();
        } finally {
            pump = null;
        }
    }

    @Override
    public boolean clientGone() {
        return gone != null;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String path() {
        return path;
    }

    private QueryStringDecoder decoder() {
        if (query == null) {
            query = new QueryStringDecoder(queryString, false);
        }
        return query;
    }

    @Override
    public String query(String name) {
        List<String> all = decoder().parameters().get(name);
        return all == null || all.isEmpty() ? null : all.getFirst();
    }

    @Override
    public List<String> queryAll(String name) {
        List<String> all = decoder().parameters().get(name);
        return all == null ? List.of() : List.copyOf(all);
    }

    @Override
    public String queryString() {
        return queryString;
    }

    @Override
    public String remoteAddress() {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
    }

    @Override
    public String header(String lowerCaseName) {
        return headers().get(lowerCaseName);
    }

    /**
     * Built once, on first use, from the decoder's entries as they are: iterating {@code HttpHeaders} as strings
     * made an entry and a {@code String} of each name, and lower-casing made another; the names clients send
     * (below) map to constants, any other name is lower-cased as before.
     */
    @Override
    public Map<String, String> headers() {
        if (headers == null) {
            Map<String, String> m = new HashMap<>(32);
            java.util.Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> h = it.next();
                m.putIfAbsent(lowerCaseName(h.getKey()), h.getValue().toString());
            }
            headers = m;
        }
        return headers;
    }

    /** Request header names common enough to be made once, lower case. */
    private static final String[] KNOWN_NAMES = {
        "host", "content-type", "content-length", "authorization", "user-agent", "accept", "accept-encoding",
        "connection", "x-request-id", "traceparent", "tracestate", "x-sluice-session", "x-sluice-user",
        "x-sluice-tags", "x-stainless-lang", "x-stainless-package-version", "x-stainless-os", "x-stainless-arch",
        "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-retry-count", "x-stainless-read-timeout",
        "openai-organization", "openai-project", "accept-language", "sec-fetch-mode", "anthropic-version",
        "x-api-key", "content-encoding", "transfer-encoding", "expect", "cookie", "origin", "referer"};

    /** {@code name.toString().toLowerCase(Locale.ROOT)}, without a new string for the names above. */
    static String lowerCaseName(CharSequence name) {
        int n = name.length();
        for (String known : KNOWN_NAMES) {
            if (known.length() == n && io.netty.util.AsciiString.contentEqualsIgnoreCase(name, known)) {
                return known;
            }
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    @Override
    public List<Map.Entry<String, String>> headerLines() {
        return request.headers().entries();
    }

    @Override
    protected long declaredLength() {
        String v = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    protected InputStream bodyStream() {
        return gzip ? new LazyGzip(body) : body;
    }

    @Override
    public void header(String name, String value) {
        out.set(name, value);
        if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
            keepAlive = false;
        }
    }

    @Override
    public void send(int status, String contentType, byte[] bytes) {
        send(status, contentType, Unpooled.wrappedBuffer(bytes));
    }

    /**
     * Generated straight into a pooled buffer of the connection, which the write releases: no array of
     * the answer, and no copy of one into a direct buffer on the event loop.
     */
    @Override
    public void sendJson(int status, Json.Writer writer) {
        if (sent) {
            throw new IllegalStateException("the response was already sent");
        }
        send(status, PooledJson.CONTENT_TYPE, PooledJson.write(channel.alloc(), writer));
    }

    private void send(int status, CharSequence contentType, ByteBuf body) {
        if (sent) {
            body.release();
            throw new IllegalStateException("the response was already sent");
        }
        sent = true;
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                body, out, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        connectionHeader(r);
        Front f = front;
        if (keepAlive && f != null && !channel.eventLoop().inEventLoop()) {
            // one loop task (as the write alone was): the answer, and the connection told it is answered
            channel.eventLoop().execute(() -> {
                channel.writeAndFlush(r, channel.voidPromise());
                f.answered(this);
            });
        } else {
            channel.writeAndFlush(r, channel.voidPromise());
        }
    }

    private void connectionHeader(HttpResponse r) {
        if (!keepAlive || !body.complete()) {
            // a body still arriving after the answer would be read as the next request: close instead
            keepAlive = false;
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    @Override
    protected OutputStream stream(int status) {
        if (sent) {
            throw new IllegalStateException("the response was already sent");
        }
        sent = true;
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), out);
        r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        connectionHeader(r);
        channel.write(r, channel.voidPromise());
        stream = new ChunkedOut();
        return stream;
    }

    @Override
    public boolean isSent() {
        return sent;
    }

    /**
     * Closes the channel (a FIN, after what was already flushed) without a response or without the
     * stream's last chunk. The close is queued to the event loop behind this call's earlier writes.
     */
    @Override
    public void abortConnection() {
        sent = true;
        keepAlive = false;
        if (stream != null) {
            stream.closed = true; // finish() must not end the body properly
        }
        if (gone == null) {
            gone = "the connection was aborted";
        }
        channel.flush();
        channel.close();
    }

    /** On the request's thread, after the handler returned: an unfinished stream is ended. */
    void finish() {
        body.close();
        if (stream != null && !stream.closed) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // the client is gone; the connection closes
            }
        }
    }

    private IOException goneException() {
        return new IOException("the client went away" + (gone == null ? "" : ": " + gone));
    }

    /** A chunked response body: buffered up to a few KiB, each flush one chunk on the wire. */
    private final class ChunkedOut extends OutputStream {
        private byte[] buf = new byte[256];
        private int count;
        boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("the stream is closed");
            }
            if (gone != null) {
                throw goneException();
            }
            if (count + len > buf.length) {
                if (count + len <= 8192) {
                    buf = java.util.Arrays.copyOf(buf, Math.max(count + len, Math.min(8192, buf.length * 2)));
                } else {
                    send(false);
                    if (len > buf.length) {
                        push(direct(b, off, len), false);
                        return;
                    }
                }
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void send(boolean flush) throws IOException {
            if (count > 0) {
                push(direct(buf, 0, count), flush);
                count = 0;
            } else if (flush) {
                channel.flush();
            }
        }

        /**
         * The bytes in a buffer of the channel's allocator (pooled and direct with epoll): a heap buffer
         * would be copied into a direct one again by the channel before the socket write.
         */
        private io.netty.buffer.ByteBuf direct(byte[] b, int off, int len) {
            return channel.alloc().ioBuffer(len).writeBytes(b, off, len);
        }

        /**
         * Hands a piece to the event loop. While the connection is writable (the usual case: an SSE event
         * every few ms to a client that keeps up) it goes without a promise, so a stream's events cost no
         * promise object and no listener notification on the loop — a failed write still closes the
         * connection, which marks this call gone ({@link Front#exceptionCaught}). Once the client reads
         * slower than the stream is written (the outbound buffer over its high-water mark), the writer waits
         * for its piece to reach the socket: back-pressure, one piece later than the mark was crossed.
         */
        private void push(io.netty.buffer.ByteBuf data, boolean flush) throws IOException {
            if (channel.isWritable()) {
                if (flush) {
                    channel.writeAndFlush(new DefaultHttpContent(data), channel.voidPromise());
                } else {
                    channel.write(new DefaultHttpContent(data), channel.voidPromise());
                }
            } else {
                ChannelFuture f = channel.writeAndFlush(new DefaultHttpContent(data));
                try {
                    f.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
                if (!f.isSuccess() || gone != null) {
                    throw goneException();
                }
            }
            if (!channel.isActive()) {
                throw goneException();
            }
        }

        @Override
        public void flush() throws IOException {
            if (closed) {
                return;
            }
            if (gone != null) {
                throw goneException();
            }
            send(true);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (gone != null) {
                throw goneException();
            }
            if (count > 0) {
                channel.write(new DefaultHttpContent(direct(buf, 0, count)), channel.voidPromise());
                count = 0;
            }
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        }
    }
}
