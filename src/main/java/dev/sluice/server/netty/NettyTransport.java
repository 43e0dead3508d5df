package dev.sluice.server.netty;

import dev.sluice.server.ConnectionLimits;
import dev.sluice.server.Dispatcher;
import dev.sluice.server.PortInUseException;
import dev.sluice.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Netty 4.2 as Sluice's {@link Transport} (chosen by the comparison in bench/results/transport.md:
 * less CPU per request and a fraction of the memory per open stream). Event loops (epoll on Linux,
 * NIO elsewhere, shared with the upstream client, see {@link NettyLoops}) parse HTTP/1.1 and move
 * bytes; each request's handler runs on its own virtual thread, so handlers block freely. Optional
 * TLS from a PEM certificate and key, which {@link Transport.Listening#reloadTls} swaps without a restart (new
 * connections use the new certificate, open ones keep theirs).
 */
public final class NettyTransport implements Transport {
    /** The longest request line (method, path and query) before 414. */
    static final int MAX_REQUEST_LINE = 8192;
    /** The largest header block before 431. */
    static final int MAX_HEADERS = 32 * 1024;

    private final Tls tls;

    /** @param tls a PEM certificate chain and key to serve HTTPS, or null for plain HTTP */
    public NettyTransport(Tls tls) {
        this.tls = tls;
    }

    public NettyTransport() {
        this(null);
    }

    /** A PEM certificate chain and its PEM (PKCS#8) private key. */
    public record Tls(Path cert, Path key) {
        SslContext context() {
            try {
                return SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
            } catch (javax.net.ssl.SSLException | RuntimeException e) {
                throw new IllegalArgumentException("server.tls: cannot use the certificate " + cert + " and key " + key
                        + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Listening start(String host, int port, ConnectionLimits limits, Dispatcher dispatcher) {
        AtomicReference<SslContext> ssl = new AtomicReference<>(tls == null ? null : tls.context());
        EventLoopGroup group = NettyLoops.group();
        RequestThreads requests = new RequestThreads();
        ConnectionGuard.Counts counts = new ConnectionGuard.Counts();
        io.netty.channel.group.ChannelGroup open = new io.netty.channel.group.DefaultChannelGroup(
                io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
        Channel server;
        try {
            server = new ServerBootstrap().group(group)
                    .channel(NettyLoops.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // small SSE events leave at once, not after the previous segment's ACK
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            open.add(ch);
                            SslContext context = ssl.get();
                            if (context != null) {
                                ch.pipeline().addLast("tls", context.newHandler(ch.alloc()));
                            }
                            ConnectionGuard guard = new ConnectionGuard(limits, counts);
                            ch.pipeline().addLast("guard", guard)
                                    .addLast("http", new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, 16 * 1024))
                                    .addLast("front", new Front(dispatcher, requests.on(ch.eventLoop()), requests.shared(), guard, context != null));
                        }
                    })
                    .bind(host, port).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
            requests.close();
            if (e instanceof BindException || e.getCause() instanceof BindException
                    || String.valueOf(e.getMessage()).contains("Address already in use")) {
                throw new PortInUseException(host, port, e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        return new Listening() {
            @Override
            public int port() {
                return ((java.net.InetSocketAddress) server.localAddress()).getPort();
            }

            @Override
            public void stop() {
                server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                requests.shutdownNow();
            }

            @Override
            public void reloadTls(Path cert, Path key) {
                if (ssl.get() == null) {
                    throw new IllegalStateException("this listener serves plain HTTP; TLS needs a restart");
                }
                ssl.set(new Tls(cert, key).context());
            }
        };
    }
}
