package dev.sluice.bench.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Netty 4.2 as the gateway's transport: epoll (NIO elsewhere) event loops, one per core; the
 * request is aggregated on its event loop and the blocking part (JSON parse and re-write) runs on a
 * virtual thread. The upstream hop is either Netty's own client on the same event loop as the
 * client's connection (mode {@code netty}: a pool of kept-alive connections per event loop, stream
 * chunks forwarded from loop to loop with back-pressure), or the JDK HttpClient called blocking from
 * the virtual thread (mode {@code jdk}). Args: PORT SIM_PORT netty|jdk.
 */
public final class NettyProxy {
    private static final ExecutorService VIRTUAL = Executors.newVirtualThreadPerTaskExecutor();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int simPort = Integer.parseInt(args[1]);
        boolean jdk = args.length > 2 && args[2].equals("jdk");
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Upstream upstream = jdk ? new JdkUpstream(simPort) : new NettyUpstream(simPort, epoll);
        new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4 << 20), new Front(upstream));
                    }
                }).bind("127.0.0.1", port).sync();
        System.out.println("netty proxy (" + (epoll ? "epoll" : "nio") + ", upstream " + (jdk ? "jdk" : "netty")
                + ") on " + port);
    }

    interface Upstream {
        /** Called on a virtual thread with the rewritten body; answers on {@code front}. */
        void forward(ChannelHandlerContext front, byte[] body, Map<String, String> simHeaders, boolean keepAlive);
    }

    static final class Front extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Upstream upstream;

        Front(Upstream upstream) {
            this.upstream = upstream;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (req.method() != HttpMethod.POST) {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer("{}".getBytes()));
                r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                ctx.writeAndFlush(r);
                return;
            }
            byte[] raw = ByteBufUtil.getBytes(req.content());
            Map<String, String> sim = new java.util.HashMap<>();
            req.headers().forEach(h -> {
                if (h.getKey().regionMatches(true, 0, "x-sim-", 0, 6)) {
                    sim.put(h.getKey(), h.getValue());
                }
            });
            ctx.channel().config().setAutoRead(false); // one request at a time per connection
            VIRTUAL.execute(() -> upstream.forward(ctx, Rewrite.json(raw), sim, keepAlive));
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            Runnable r = (Runnable) ctx.channel().attr(RESUME).getAndSet(null);
            if (r != null && ctx.channel().isWritable()) {
                r.run();
            } else if (r != null) {
                ctx.channel().attr(RESUME).set(r);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static final io.netty.util.AttributeKey<Object> RESUME = io.netty.util.AttributeKey.valueOf("resume");

    static void finish(ChannelHandlerContext front, ChannelFuture last, boolean keepAlive) {
        if (keepAlive) {
            last.addListener(f -> front.channel().config().setAutoRead(true));
        } else {
            last.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }

    static void answer(ChannelHandlerContext front, int status, String type, byte[] body, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        finish(front, front.writeAndFlush(r), keepAlive);
    }

    /** JDK HttpClient, blocking on the request's virtual thread. */
    static final class JdkUpstream implements Upstream {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI uri;

        JdkUpstream(int simPort) {
            uri = URI.create("http://127.0.0.1:" + simPort + "/v1/chat/completions");
        }

        @Override
        public void forward(ChannelHandlerContext front, byte[] body, Map<String, String> simHeaders, boolean keepAlive) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                simHeaders.forEach(b::header);
                var res = client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
                String type = res.headers().firstValue("content-type").orElse("application/json");
                if (!type.startsWith("text/event-stream")) {
                    try (InputStream in = res.body()) {
                        answer(front, res.statusCode(), type, Rewrite.json(in.readAllBytes()), keepAlive);
                    }
                    return;
                }
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(res.statusCode()));
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                front.write(head);
                byte[] buf = new byte[8192];
                try (InputStream in = res.body()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        ChannelFuture f = front.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(buf, 0, n)));
                        if (!front.channel().isWritable()) {
                            f.sync(); // back-pressure: the virtual thread waits, not the event loop
                        }
                    }
                }
                finish(front, front.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
            } catch (Exception e) {
                front.close();
            }
        }
    }

    /** Netty's client on the front connection's event loop, a keep-alive pool per loop. */
    static final class NettyUpstream implements Upstream {
        private final int simPort;
        private final boolean epoll;
        private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

        NettyUpstream(int simPort, boolean epoll) {
            this.simPort = simPort;
            this.epoll = epoll;
        }

        @Override
        public void forward(ChannelHandlerContext front, byte[] body, Map<String, String> simHeaders, boolean keepAlive) {
            EventLoop loop = front.channel().eventLoop();
            loop.execute(() -> {
                FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                        "/v1/chat/completions", Unpooled.wrappedBuffer(body));
                req.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + simPort)
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                simHeaders.forEach((k, v) -> req.headers().set(k, v));
                ArrayDeque<Channel> pool = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
                Channel ch;
                while ((ch = pool.poll()) != null && !ch.isActive()) {
                    // closed while idle
                }
                if (ch != null) {
                    ch.pipeline().get(Back.class).start(front, keepAlive, pool);
                    ch.writeAndFlush(req);
                    return;
                }
                Back back = new Back(this);
                back.start(front, keepAlive, pool);
                new Bootstrap().group(loop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel c) {
                                c.pipeline().addLast(new HttpClientCodec(), back);
                            }
                        }).connect("127.0.0.1", simPort).addListener((ChannelFuture f) -> {
                            if (f.isSuccess()) {
                                f.channel().writeAndFlush(req);
                            } else {
                                req.release();
                                front.close();
                            }
                        });
            });
        }
    }

    /** One upstream connection's handler; serves one exchange at a time. */
    static final class Back extends SimpleChannelInboundHandler<HttpObject> {
        private ChannelHandlerContext front;
        private boolean keepAlive;
        private ArrayDeque<Channel> pool;
        private boolean streaming;
        private int status;
        private String type;
        private io.netty.buffer.CompositeByteBuf whole;

        Back(NettyUpstream owner) {
        }

        void start(ChannelHandlerContext front, boolean keepAlive, ArrayDeque<Channel> pool) {
            this.front = front;
            this.keepAlive = keepAlive;
            this.pool = pool;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                status = r.status().code();
                type = r.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
                streaming = type.startsWith("text/event-stream");
                if (streaming) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
                    head.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                            .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    front.write(head);
                } else {
                    whole = ctx.alloc().compositeBuffer();
                }
            }
            if (msg instanceof HttpContent c) {
                boolean last = msg instanceof LastHttpContent;
                if (streaming) {
                    ChannelFuture f = front.writeAndFlush(last ? new io.netty.handler.codec.http.DefaultLastHttpContent(
                            c.content().retain()) : new DefaultHttpContent(c.content().retain()));
                    if (last) {
                        finish(front, f, keepAlive);
                        release(ctx);
                    } else if (!front.channel().isWritable()) {
                        ctx.channel().config().setAutoRead(false); // back-pressure: stop reading upstream
                        Channel up = ctx.channel();
                        front.channel().attr(RESUME).set((Runnable) () -> up.config().setAutoRead(true));
                    }
                } else {
                    whole.addComponent(true, c.content().retain());
                    if (last) {
                        byte[] bytes = ByteBufUtil.getBytes(whole);
                        whole.release();
                        whole = null;
                        ChannelHandlerContext f = front;
                        boolean ka = keepAlive;
                        int st = status;
                        String ty = type;
                        release(ctx);
                        VIRTUAL.execute(() -> answer(f, st, ty, Rewrite.json(bytes), ka));
                    }
                }
            }
        }

        private void release(ChannelHandlerContext ctx) {
            front = null;
            pool.push(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (front != null) {
                front.close();
            }
            ctx.close();
        }
    }
}
