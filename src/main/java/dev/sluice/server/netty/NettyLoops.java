package dev.sluice.server.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops of the process: one per core, epoll on Linux (NIO elsewhere), shared by every
 * listener and by the upstream client, so a proxied exchange stays on few threads. Daemon threads:
 * they never keep the JVM alive.
 */
public final class NettyLoops {
    private static final boolean EPOLL = Epoll.isAvailable();
    private static volatile EventLoopGroup group;

    private NettyLoops() {}

    public static EventLoopGroup group() {
        EventLoopGroup g = group;
        if (g == null) {
            synchronized (NettyLoops.class) {
                g = group;
                if (g == null) {
                    g = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                            new DefaultThreadFactory("sluice-io", true),
                            EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
                    group = g;
                }
            }
        }
        return g;
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
