package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.server.netty.ByteBufQueueInput;
import dev.sluice.server.netty.NettyLoops;
import dev.sluice.server.netty.PooledJson;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The HTTP client every provider shares: Netty's HTTP/1.1 codec on the gateway's own event loops
 * ({@link NettyLoops}, shared with the server), a pool of kept-alive connections per provider, and a
 * blocking face for the request's virtual thread: {@link #postJson} returns once the status line and
 * headers are in, and the body is an {@link InputStream} fed by the event loop (at most 256 KiB
 * buffered: past that the connection stops reading, so a slow client slows its upstream instead of
 * filling memory). Transport failures become classified {@link UpstreamException}s, so providers
 * only deal with HTTP statuses and bodies. (The JDK HttpClient was measured for this hop too and
 * spent about three times the CPU per request: bench/results/transport.md.)
 */
public final class UpstreamHttp {
    private static final int HIGH_WATER = 256 * 1024;
    private static final int MAX_IDLE = 256;
    private static volatile SslContext clientTls;

    private final String provider;
    private final String host;
    private final int port;
    private final String basePath;
    /** Pre-encoded: Netty copies an AsciiString's bytes as they are instead of encoding a String per request. */
    private final AsciiString hostHeader;
    private volatile Target lastTarget;
    private final boolean tls;
    private final int connectTimeoutMillis;
    /**
     * Kept-alive connections by event loop. A request takes one on its client connection's loop when there is
     * one ({@link NettyLoops#REQUEST_LOOP}), and a new connection is opened on that loop: then the request's
     * upstream write, the answer's read and the client's answer are all that loop's work, instead of every
     * request waking both loops (and moving its buffers between their caches) half of the time.
     */
    private final java.util.concurrent.ConcurrentHashMap<io.netty.channel.EventLoop, ConcurrentLinkedDeque<Channel>> idle =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The connections in {@link #idle} (a deque's size() walks it). */
    private final java.util.concurrent.atomic.AtomicInteger idleCount = new java.util.concurrent.atomic.AtomicInteger();

    /** @param baseUrl e.g. {@code http://127.0.0.1:9090/v1}; request paths are appended to it */
    public UpstreamHttp(String provider, String baseUrl, Duration connectTimeout) {
        this.provider = provider;
        URI uri = URI.create(baseUrl);
        this.tls = "https".equalsIgnoreCase(uri.getScheme());
        if (!tls && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("base_url must be http:// or https://: " + baseUrl);
        }
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String p = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = p.endsWith("/") ? p : p + "/";
        boolean defaultPort = uri.getPort() < 0 || uri.getPort() == (tls ? 443 : 80);
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        this.hostHeader = new AsciiString(defaultPort ? h : h + ":" + port);
        this.connectTimeoutMillis = (int) Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE);
    }

    /** An open upstream response; close it to return the connection to the pool. */
    public interface Response extends AutoCloseable {
        int status();

        /** A response header by name, or null. */
        String header(String name);

        InputStream body();

        /** Reads the whole body; transport failures become {@link UpstreamException}s. */
        byte[] readAll();

        /** Reads the whole body as a JSON object; anything else is a MALFORMED_RESPONSE failure. */
        JsonNode readJsonObject();

        /**
         * Reads the body with {@code reader}, straight from the parser as the pieces arrive (no tree); malformed
         * JSON or a null from the reader (not the value it expects) is a MALFORMED_RESPONSE failure.
         */
        default <T> T readJson(JsonReader<T> reader) {
            // by default from the tree (readJsonObject's failures); the connection's own response streams it
            try (com.fasterxml.jackson.core.JsonParser p = readJsonObject().traverse(Json.MAPPER)) {
                T value = reader.read(p);
                if (value == null) {
                    throw new IllegalStateException("the JSON object is not what " + reader + " reads");
                }
                return value;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The whole body in one array of its {@code Content-Length}, when the response has one and it is at most
         * {@code max} bytes; else null, and nothing has been read. Transport failures become
         * {@link UpstreamException}s.
         */
        default byte[] readSized(int max) {
            return null;
        }

        /**
         * Reads a body {@link #readSized} returned with {@code reader}, with {@link #readJson}'s failures:
         * malformed JSON or a null from the reader is a MALFORMED_RESPONSE failure.
         */
        default <T> T parse(byte[] body, JsonReader<T> reader) {
            throw new UnsupportedOperationException("readSized returned no body to parse");
        }

        @Override
        void close();
    }

    /** Reads one JSON value from a parser positioned before it; null when the value is not what it reads. */
    @FunctionalInterface
    public interface JsonReader<T> {
        T read(com.fasterxml.jackson.core.JsonParser parser) throws IOException;
    }

    /**
     * POSTs a JSON body and returns once the status line and headers have arrived.
     *
     * @param path relative to the base URL; it may end in a query such as {@code ?alt=sse} or
     *             {@code ?api-version=2024-10-21}. Characters not allowed in a URL are percent-encoded.
     */
    public Response postJson(String path, Map<String, String> headers, byte[] body, Duration readTimeout) {
        return postJson(path, headers, Unpooled.wrappedBuffer(body), readTimeout);
    }

    /**
     * POSTs the JSON {@code writer} writes, generated straight into a pooled buffer that the connection
     * writes and releases: no array of the body is made on the way (the byte[] overload's caller makes one).
     */
    public Response postJson(String path, Map<String, String> headers, Json.Writer writer, Duration readTimeout) {
        return postJson(path, headers, PooledJson.write(ByteBufAllocator.DEFAULT, writer), readTimeout);
    }

    private Response postJson(String path, Map<String, String> headers, ByteBuf body, Duration readTimeout) {
        FullHttpRequest request = request(HttpMethod.POST, path, headers, body);
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, PooledJson.CONTENT_TYPE);
        return exchange(request, readTimeout);
    }

    /** GETs a path, for health checks and model listings. */
    public Response get(String path, Map<String, String> headers, Duration readTimeout) {
        return exchange(request(HttpMethod.GET, path, headers, Unpooled.EMPTY_BUFFER), readTimeout);
    }

    private FullHttpRequest request(HttpMethod method, String path, Map<String, String> headers, ByteBuf body) {
        // no trailer headers: a request sent whole has none (the short constructor made an empty set per request)
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target(path), body,
                DefaultHttpHeadersFactory.headersFactory().newHeaders(), EmptyHttpHeaders.INSTANCE);
        request.headers().set(HttpHeaderNames.HOST, hostHeader);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            request.headers().set(h.getKey(), h.getValue());
        }
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return request;
    }

    /**
     * The request target of {@code path}: a provider asks the same path request after request (the
     * operation's, or one per model), so the last one is kept rather than joined and scanned each time.
     */
    private String target(String path) {
        Target last = lastTarget;
        if (last != null && last.path().equals(path)) {
            return last.target();
        }
        String target = basePath + encode(path.startsWith("/") ? path.substring(1) : path);
        lastTarget = new Target(path, target);
        return target;
    }

    private record Target(String path, String target) {}

    /** Percent-encodes what may not appear in a request target (spaces, non-ASCII, controls). */
    static String encode(String path) {
        boolean clean = true;
        for (int i = 0; i < path.length() && clean; i++) {
            char c = path.charAt(i);
            clean = c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`'
                    && c != '{' && c != '|' && c != '}';
        }
        if (clean) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && "\"<>\\^`{|}".indexOf(c) < 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private Response exchange(FullHttpRequest request, Duration readTimeout) {
        long timeoutNanos = readTimeout.toNanos();
        try {
            Channel reused = pooled();
            if (reused != null) {
                Exchange e = new Exchange(reused, true);
                try {
                    e.send(resendable(request), timeoutNanos); // the write releases the duplicate
                    request.release();
                    return e;
                } catch (StaleConnection stale) {
                    // the server closed the kept-alive connection before answering: once more on a new one
                }
            }
            Channel fresh;
            try {
                fresh = connect();
            } catch (IOException | RuntimeException e) {
                request.release();
                throw e;
            }
            Exchange e = new Exchange(fresh, false);
            e.send(request, timeoutNanos); // the write releases the request
            return e;
        } catch (UpstreamException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw transportFailure(e);
        }
    }

    /**
     * What goes out on a reused connection, keeping {@code request} whole for a retry on a fresh one: the body is
     * a retained duplicate (the encoder moves its own indices), the headers are shared, not copied — nothing
     * writes them once the request is built. {@code retainedDuplicate()} copied both header sets (an empty
     * trailer set became a new map) for every request.
     */
    private static FullHttpRequest resendable(FullHttpRequest request) {
        return new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.content().retainedDuplicate(), request.headers(), request.trailingHeaders());
    }

    /** The event loop of the client connection this thread serves, or null (no client request, or another thread). */
    private static io.netty.channel.EventLoop requestLoop() {
        return NettyLoops.REQUEST_LOOP.isBound() ? NettyLoops.REQUEST_LOOP.get() : null; // orElse(null) throws
    }

    /** An idle connection: on the request's loop if one is, else on any loop. */
    private Channel pooled() {
        io.netty.channel.EventLoop loop = requestLoop();
        if (loop != null) {
            Channel c = pooled(idle.get(loop));
            if (c != null) {
                return c;
            }
        }
        for (ConcurrentLinkedDeque<Channel> deque : idle.values()) {
            Channel c = pooled(deque);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private Channel pooled(ConcurrentLinkedDeque<Channel> deque) {
        if (deque == null) {
            return null;
        }
        for (Channel c; (c = deque.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            if (c.isActive()) {
                return c;
            }
        }
        return null;
    }

    /** On the connection's event loop: its answer ended and it may serve the next request. */
    private void release(Channel channel) {
        idleCount.incrementAndGet();
        idle.computeIfAbsent(channel.eventLoop(), l -> new ConcurrentLinkedDeque<>()).addFirst(channel);
    }

    private Channel connect() throws IOException {
        SslContext ssl = tls ? clientTls() : null;
        io.netty.channel.EventLoop loop = requestLoop();
        ChannelFuture f = new Bootstrap().group(loop != null ? loop : NettyLoops.group()).channel(NettyLoops.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(8192, 64 * 1024, 64 * 1024), new Reader());
                    }
                }).connect(host, port);
        try {
            f.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new java.io.InterruptedIOException("interrupted while connecting");
        }
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(cause), cause);
        }
        return f.channel();
    }

    private static SslContext clientTls() throws IOException {
        SslContext c = clientTls;
        if (c == null) {
            synchronized (UpstreamHttp.class) {
                c = clientTls;
                if (c == null) {
                    c = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
                    clientTls = c;
                }
            }
        }
        return c;
    }

    private static final class StaleConnection extends IOException {
        StaleConnection(String message) {
            super(message, null);
        }
    }

    /** One connection's response reader: hands what arrives to the exchange in progress. */
    private static final class Reader extends SimpleChannelInboundHandler<HttpObject> {
        volatile Exchange exchange;

        Reader() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            Exchange e = exchange;
            if (e == null) {
                io.netty.util.ReferenceCountUtil.release(msg);
                ctx.close(); // bytes nobody asked for: the connection is not reusable
                return;
            }
            e.arrived(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Exchange e = exchange;
            if (e != null) {
                e.readComplete();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Exchange e = exchange;
            if (e != null) {
                e.failed(new IOException("the upstream closed the connection"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange e = exchange;
            if (e != null) {
                e.failed(cause);
            }
            ctx.close();
        }
    }

    /** One request and its response on one connection; the body is a {@link ByteBufQueueInput} fed by the event loop. */
    private final class Exchange implements Response {
        private final Channel channel;
        private final boolean reused;
        private final Reader reader;
        private ByteBufQueueInput input;
        private volatile boolean sawResponse;
        private HttpResponse head;
        private boolean reusable;
        /** On the event loop: the head and body bytes of the current read, not handed over yet. */
        private HttpResponse staged;
        private ByteBuf stagedBody;

        Exchange(Channel channel, boolean reused) {
            this.channel = channel;
            this.reused = reused;
            this.reader = channel.pipeline().get(Reader.class);
        }

        void send(FullHttpRequest request, long timeoutNanos) throws IOException {
            // a reader that gives up before the response ended (timeout, interrupt, closed early) leaves a
            // connection that cannot be reused
            input = new ByteBufQueueInput(channel, HIGH_WATER, timeoutNanos, this::abandon);
            input.timeoutOnLoop();
            if (reader == null) {
                request.release();
                throw reused ? new StaleConnection("closed while idle") : new IOException("the upstream connection closed");
            }
            reader.exchange = this;
            // One task on the connection's event loop: the write, and the read timeout's timer. Writing from this
            // thread queued a write task too, and the listener added after it, when the loop had already written,
            // queued a second task for its notification (another eventfd wake-up of the loop); a timed park for
            // the answer woke the JDK's delay-scheduler thread twice (ByteBufQueueInput#timeoutOnLoop).
            try {
                channel.eventLoop().execute(() -> {
                    input.startTimer();
                    channel.writeAndFlush(request, channel.newPromise().addListener(f -> {
                        if (!f.isSuccess()) {
                            failed(f.cause());
                        }
                    }));
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                request.release();
                throw new IOException("the event loop is shut down", e);
            }
            Object first;
            try {
                first = input.nextItem();
            } catch (IOException e) {
                abandon();
                if (reused && !sawResponse && !(e instanceof SocketTimeoutException)
                        && !(e instanceof java.io.InterruptedIOException)) {
                    throw new StaleConnection(e.getMessage());
                }
                throw e;
            }
            if (first instanceof HttpResponse r) {
                head = r;
                return;
            }
            abandon();
            throw new IOException("no response from the upstream");
        }

        /**
         * On the event loop. The head and the pieces of one read are handed over together, at the end of
         * the read ({@link #readComplete}) or with the last piece: handing over the head alone woke the
         * request's thread for it and again for the body that came in the same read.
         */
        void arrived(HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                sawResponse = true;
                if (r.status().code() == 100) {
                    return; // interim; the real status follows
                }
                reusable = HttpUtil.isKeepAlive(r);
                staged = r;
            }
            if (msg instanceof HttpContent c) {
                boolean last = msg instanceof LastHttpContent;
                if (last) {
                    reader.exchange = null;
                }
                if (!last && staged != null && c.content().isReadable()) {
                    stagedBody = stagedBody == null ? c.content() : append(stagedBody, c.content());
                    return;
                }
                readComplete();
                input.offer(c.content(), last);
                if (last) {
                    if (reusable && idleCount.get() < MAX_IDLE) {
                        input.resume(); // what is queued is this exchange's; the connection reads again
                        release(channel);
                    } else {
                        channel.close();
                    }
                }
            }
        }

        /** On the event loop: hands over what this read staged. */
        void readComplete() {
            if (staged != null) {
                input.offerItem(staged);
                staged = null;
            }
            if (stagedBody != null) {
                input.offer(stagedBody, false);
                stagedBody = null;
            }
        }

        private static ByteBuf append(ByteBuf staged, ByteBuf more) {
            io.netty.buffer.CompositeByteBuf c = staged instanceof io.netty.buffer.CompositeByteBuf cb ? cb
                    : staged.alloc().compositeBuffer().addComponent(true, staged);
            return c.addComponent(true, more);
        }

        /** On the event loop (or the writer's listener). */
        void failed(Throwable cause) {
            if (channel.eventLoop().inEventLoop()) {
                readComplete();
            }
            input.fail(cause == null ? new IOException("the upstream connection failed") : cause);
        }

        /** The exchange ends before its response did: the connection cannot be reused. */
        private void abandon() {
            if (!input.complete()) {
                reader.exchange = null;
                channel.eventLoop().execute(this::readComplete); // the input is closed: frees what was staged
                channel.close();
            }
        }

        // ---- Response

        @Override
        public int status() {
            return head.status().code();
        }

        @Override
        public String header(String name) {
            return head.headers().get(name);
        }

        @Override
        public InputStream body() {
            return input;
        }

        @Override
        public byte[] readAll() {
            try (InputStream in = input) {
                return in.readAllBytes();
            } catch (IOException | RuntimeException e) {
                throw transportFailure(e);
            }
        }

        @Override
        public byte[] readSized(int max) {
            HttpHeaders headers = head.headers();
            String declared = headers.get(HttpHeaderNames.CONTENT_LENGTH);
            if (declared == null || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                return null;
            }
            long n;
            try {
                n = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                return null;
            }
            if (n < 0 || n > max) {
                return null;
            }
            byte[] body = new byte[(int) n];
            try (InputStream in = input) {
                int read = in.readNBytes(body, 0, body.length);
                if (read < body.length) {
                    throw new IOException("the answer ended after " + read + " of its " + n + " bytes");
                }
                drain(in); // nothing should be left
            } catch (IOException | RuntimeException e) {
                throw transportFailure(e);
            }
            return body;
        }

        @Override
        public <T> T parse(byte[] body, JsonReader<T> reader) {
            try (com.fasterxml.jackson.core.JsonParser p = Json.FACTORY.createParser(body)) {
                return present(read(p, reader));
            } catch (UpstreamException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw transportFailure(e);
            }
        }

        /** {@code reader}'s value from {@code p}; malformed JSON is a MALFORMED_RESPONSE failure. */
        private <T> T read(com.fasterxml.jackson.core.JsonParser p, JsonReader<T> reader) throws IOException {
            try {
                return reader.read(p);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw malformed(e);
            }
        }

        /** A reader's value; null (the JSON was not the answer's shape) is a MALFORMED_RESPONSE failure. */
        private <T> T present(T value) {
            if (value == null) {
                throw malformed(null);
            }
            return value;
        }

        /**
         * Reads {@code in} to its end (usually nothing is left), so the connection goes back to the pool; not
         * transferTo, which allocates a 16 KiB buffer for it.
         */
        private static void drain(InputStream in) throws IOException {
            while (in.read() >= 0) {
                // discard
            }
        }

        /**
         * Parsed straight from the arriving pieces: reading the body into one array first (in 8 and 16 KiB
         * chunks copied together) was a tenth of the bytes allocated per chat request.
         */
        @Override
        public JsonNode readJsonObject() {
            return readJson(p -> {
                JsonNode node = Json.MAPPER.readTree(p);
                return node != null && node.isObject() ? node : null; // anything but an object is malformed
            });
        }

        @Override
        public <T> T readJson(JsonReader<T> reader) {
            T value;
            try (InputStream in = input) {
                try (com.fasterxml.jackson.core.JsonParser p = Json.parser(in)) {
                    value = read(p, reader);
                }
                drain(in);
            } catch (UpstreamException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw transportFailure(e);
            }
            return present(value);
        }

        /**
         * Frees what is queued and returns the connection to the pool when the response ended (else closes
         * it). Safe from another thread: a reader blocked on the body (the watchdog closes a stream whose
         * timeout passed) wakes at once, not when its read timeout ends.
         */
        @Override
        public void close() {
            input.close();
        }
    }

    /** Classifies a transport failure: a timeout, a refused or reset connection. */
    public UpstreamException transportFailure(Exception e) {
        if (e instanceof UpstreamException u) {
            return u;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                    || (t.getClass().getSimpleName().contains("Timeout"))) {
                return new UpstreamException(provider, ErrorClass.TIMEOUT, 0,
                        "The upstream provider '" + provider + "' did not answer in time.", null, e);
            }
            if (t instanceof ConnectException) {
                return new UpstreamException(provider, ErrorClass.CONNECTION, 0,
                        "Could not connect to the upstream provider '" + provider + "': " + t.getMessage(), null, e);
            }
        }
        Throwable root = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return new UpstreamException(provider, ErrorClass.CONNECTION, 0,
                "The connection to the upstream provider '" + provider + "' failed: " + root.getMessage(), null, e);
    }

    private UpstreamException malformed(Exception cause) {
        return new UpstreamException(provider, ErrorClass.MALFORMED_RESPONSE, 200,
                "The upstream provider '" + provider + "' sent a response that is not valid JSON.", null, cause);
    }

    /** Closes the pooled connections. */
    public void close() {
        for (ConcurrentLinkedDeque<Channel> deque : idle.values()) {
            for (Channel c; (c = deque.pollFirst()) != null; ) {
                idleCount.decrementAndGet();
                c.close();
            }
        }
    }
}
