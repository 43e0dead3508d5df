package dev.sluice.server.netty;

import dev.sluice.api.ErrorCodec;
import dev.sluice.api.SluiceException;
import dev.sluice.server.Dispatcher;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's HTTP/1.1 requests, after the codec: each request runs on its own virtual thread
 * through the {@link Dispatcher}, one at a time per connection (pipelined requests wait, in order,
 * until the previous answer is complete; past a few the connection stops reading). What the codec
 * refused (a request line or headers too long, a malformed request) and content encodings other than
 * gzip are answered here in the OpenAI error format, then the connection closes.
 */
final class Front extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Front.class);
    private static final int MAX_PENDING = 16;
    /**
     * How long the event loop waits for an answered request's thread to end without being woken for it (see
     * {@link #answered}): the client's next request usually wakes the loop sooner, and then nothing else does.
     */
    static final long LAZY_DONE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);

    private final Dispatcher dispatcher;
    private final Executor requests;
    /** Where requests whose bodies may take long to compute on run ({@link RequestThreads#offLoop}). */
    private final Executor largeRequests;
    private final ConnectionGuard guard;
    private final boolean secure;
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private NettyCall current;
    /** The request whose virtual thread has not started yet (see {@link #launch}). */
    private NettyCall unlaunched;
    /** Whether {@link #unlaunched} runs off the loop. */
    private boolean unlaunchedLarge;
    private boolean discarding;
    private boolean pendingPaused;
    private boolean lingering;
    private ChannelHandlerContext ctx;
    /** The lazy hand-over's deadline for {@link #current} (see {@link #answered}), or null. */
    private io.netty.util.concurrent.ScheduledFuture<?> doneTimer;

    Front(Dispatcher dispatcher, Executor requests, Executor largeRequests, ConnectionGuard guard, boolean secure) {
        this.dispatcher = dispatcher;
        this.requests = requests;
        this.largeRequests = largeRequests;
        this.guard = guard;
        this.secure = secure;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject o)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!pending.isEmpty() || (current != null && o instanceof HttpRequest)) {
            // the loop now waits for the current request's end: its thread must wake it (see answered())
            if (current != null) {
                current.handoff.compareAndSet(NettyCall.ANSWERED, NettyCall.EXPIRED);
            }
            pending.add(o); // a pipelined request: it waits for the answer before it
            if (pending.size() > MAX_PENDING && !pendingPaused) {
                pendingPaused = true;
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        handle(o);
    }

    /** The next pieces of what was pipelined, in order, up to the next request that must wait. */
    private void drain() {
        while (!pending.isEmpty() && !(current != null && pending.peek() instanceof HttpRequest)) {
            handle(pending.poll());
        }
        launch(); // no read is under way to end with channelReadComplete
        if (pendingPaused && pending.size() <= MAX_PENDING / 2) {
            pendingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void handle(HttpObject o) {
        if (discarding) {
            ReferenceCountUtil.release(o); // refused: the connection is closing
            return;
        }
        if (o instanceof HttpRequest req) {
            start(req);
        }
        if (lingering) {
            ReferenceCountUtil.release(o); // the rest of an answered request's body
            if (o instanceof LastHttpContent) {
                ctx.close();
            }
            return;
        }
        if (o instanceof HttpContent c) {
            if (current != null && !current.bodyInput().ended()) {
                current.bodyInput().offer(c.content(), c instanceof LastHttpContent);
                if (c instanceof LastHttpContent) {
                    launch();
                }
            } else {
                c.release(); // the end of a body-less request, or a body after its answer
            }
        }
    }

    private void start(HttpRequest req) {
        guard.requestStarted();
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            refuse(cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? 431 : 400);
            return;
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String path;
        try {
            if (!rawPath.startsWith("/")) {
                throw new IllegalArgumentException("not an origin-form path");
            }
            path = normalise(new QueryStringDecoder(rawPath).path());
            if (q >= 0) {
                new QueryStringDecoder(uri.substring(q + 1), false).parameters(); // bad escapes: 400 now
            }
        } catch (IllegalArgumentException e) {
            refuse(400);
            return;
        }
        String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        boolean gzip = false;
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            gzip = encoding.strip().equalsIgnoreCase("gzip") || encoding.strip().equalsIgnoreCase("x-gzip");
            if (!gzip) {
                refuse(400);
                return;
            }
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        NettyCall call = new NettyCall(ctx.channel(), req, rawPath, path, q < 0 ? "" : uri.substring(q + 1), secure,
                HttpUtil.isKeepAlive(req), gzip);
        call.front = this;
        if (!(req instanceof HttpContent) && !HttpUtil.isContentLengthSet(req) && !HttpUtil.isTransferEncodingChunked(req)) {
            call.bodyInput().offer(Unpooled.EMPTY_BUFFER, true); // no body
        }
        current = call;
        unlaunched = call;
        unlaunchedLarge = RequestThreads.offLoop(req, gzip);
        if (call.bodyInput().ended()) {
            launch();
        }
    }

    /**
     * Starts the request's virtual thread: once its body is complete, else at the end of the read
     * that brought its head. Starting it at the head itself would wake it for the head and again for
     * the body that usually came in the same read: one park and unpark per request for nothing.
     */
    private void launch() {
        NettyCall call = unlaunched;
        if (call == null) {
            return;
        }
        unlaunched = null;
        io.netty.channel.EventLoop loop = ctx.channel().eventLoop();
        (unlaunchedLarge ? largeRequests : requests).execute(() -> {
            try {
                ScopedValue.where(NettyLoops.REQUEST_LOOP, loop).run(() -> dispatcher.handle(call));
            } catch (RuntimeException e) {
                LOG.error("request handling failed", e);
            } finally {
                call.finish();
                if (call.handoff.compareAndSet(NettyCall.ANSWERED, NettyCall.FINISHED)
                        && ctx.executor() instanceof io.netty.util.concurrent.SingleThreadEventExecutor loopExecutor) {
                    loopExecutor.lazyExecute(() -> done(call)); // see answered()
                } else {
                    ctx.executor().execute(() -> done(call));
                }
            }
        });
    }

    /**
     * On the event loop, right after it wrote a whole answer on a kept-alive connection: the request's thread
     * still runs the completion listeners (request log, spans, metrics, limits), then ends. Handing its end over
     * woke the loop once more per request (an eventfd write, then the loop's wake-up) when the loop had gone to
     * sleep meanwhile. Now, when it ends before anything else reached the loop, that thread queues {@link #done}
     * without waking the loop (lazily): the loop runs it with whatever wakes it next — at concurrency 1, the
     * client's next request, which waits in {@link #pending} behind it as it always did, so the listeners still
     * run before the next request starts (a key with {@code concurrency: 1} is not refused). A request that
     * arrives while the thread still runs, or this timer ({@link #LAZY_DONE_NANOS}) expiring first, turns that
     * off: the thread then wakes the loop as before. If the thread queued done() and nothing woke the loop, the
     * timer runs it (no worse than the eventfd it replaces).
     */
    void answered(NettyCall call) {
        if (current != call || !call.handoff.compareAndSet(NettyCall.OPEN, NettyCall.ANSWERED)) {
            return;
        }
        doneTimer = ctx.executor().schedule(() -> {
            doneTimer = null;
            // only when the thread ended and queued done() lazily (nothing has woken the loop since): EXPIRED, set
            // by a request that arrived meanwhile, means the thread still runs its listeners and will wake the loop
            if (!call.handoff.compareAndSet(NettyCall.ANSWERED, NettyCall.EXPIRED)
                    && call.handoff.get() == NettyCall.FINISHED) {
                done(call);
            }
        }, LAZY_DONE_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** On the event loop: the answer to {@code call} is complete (queued to the wire). */
    private void done(NettyCall call) {
        if (current != call) {
            return;
        }
        if (doneTimer != null) {
            doneTimer.cancel(false);
            doneTimer = null;
        }
        current = null;
        if (!call.isSent()) {
            // the dispatcher answers every request; a thread that died before it did still gets a 500
            FullHttpResponse r = error(500);
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!call.keepAlive || !ctx.channel().isActive()) {
            if (!call.bodyInput().complete() && ctx.channel().isActive()) {
                // answered before its body was read (a 401, a 413): the rest is read and dropped, then the
                // connection closes; closing at once would reset it, and the client might lose the answer
                lingering = true;
                ctx.channel().config().setAutoRead(true);
                ctx.executor().schedule(() -> { ctx.close(); }, 10, java.util.concurrent.TimeUnit.SECONDS);
                return;
            }
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        guard.idle();
        drain();
    }

    /** The codec or the transport refuses the request: an OpenAI-format error, then the connection closes. */
    private void refuse(int status) {
        discarding = true;
        FullHttpResponse r = error(status);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    static FullHttpResponse error(int status) {
        SluiceException error = switch (status) {
            case 414 -> new SluiceException(414, "invalid_request_error", "uri_too_long", null,
                    "The request line (path and query) is too long. Send fewer or shorter query parameters.");
            case 431 -> new SluiceException(431, "invalid_request_error", "headers_too_large", null,
                    "The request headers are too large.");
            case 500 -> new SluiceException(500, "server_error", "internal_error", null,
                    "The server could not handle the request. Retry.");
            default -> new SluiceException(status, "invalid_request_error", "bad_request", null,
                    "The HTTP request could not be read: a malformed request line or header, or a"
                            + " Content-Encoding other than gzip.");
        };
        byte[] body = ErrorCodec.write(error);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** Removes {@code .} and {@code ..} segments from a decoded path (it never climbs above the root). */
    static String normalise(String path) {
        if (!path.contains("/.") && !path.contains("//")) {
            return path;
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        String[] parts = path.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                if (i == parts.length - 1) {
                    out.add("");
                }
            } else if (p.equals(".")) {
                if (i == parts.length - 1) {
                    out.add("");
                }
            } else if (!p.isEmpty() || i == parts.length - 1) {
                out.add(p);
            }
        }
        return "/" + String.join("/", out);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        launch();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.writabilityChanged(); // a stream forwarded from this loop goes on when the client caught up
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.closed("the connection closed");
        }
        launch(); // it sees the connection gone, as it would have mid-body
        for (HttpObject o; (o = pending.poll()) != null; ) {
            ReferenceCountUtil.release(o);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a client that resets its connection, a TLS handshake that fails: one debug line, never a stack trace
        LOG.debug("connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        if (current != null) {
            current.closed(cause.getMessage());
        }
        ctx.close();
    }
}
