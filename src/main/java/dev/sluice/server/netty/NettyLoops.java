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
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops of the process: one per core, epoll on Linux (NIO elsewhere), shared by every
 * listener and by the upstream client, so a proxied exchange stays on few threads. Daemon threads:
 * they never keep the JVM alive.
 *
 * <p>Netty's buffer leak detector is off unless the operator asks for it: at its default level it
 * tracks one pooled buffer in 128 and records a stack trace each time, on a gateway a deep
 * virtual-thread stack (about 4% of what a forwarded stream event allocates, measured with JFR in
 * session 6). {@code -Dio.netty.leakDetection.level=simple|advanced|paranoid} turns it back on; the
 * test suite runs with {@code simple}.
 */
public final class NettyLoops {
    private static final boolean EPOLL = Epoll.isAvailable();
    /**
     * The event loop of the client connection whose request the current (virtual) thread serves: the
     * upstream client keeps that request's upstream connection on the same loop, so one request's work
     * wakes one loop, not two (see {@code UpstreamHttp}).
     */
    public static final ScopedValue<io.netty.channel.EventLoop> REQUEST_LOOP = ScopedValue.newInstance();
    private static volatile EventLoopGroup group;

    private NettyLoops() {}

    public static EventLoopGroup group() {
        EventLoopGroup g = group;
        if (g == null) {
            synchronized (NettyLoops.class) {
                g = group;
                if (g == null) {
                    leakDetectionOffUnlessAsked();
                    g = new MultiThreadIoEventLoopGroup(threads(),
                            new DefaultThreadFactory("sluice-io", true),
                            EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
                    group = g;
                }
            }
        }
        return g;
    }

    /**
     * One loop per core; {@code -Dsluice.io.threads=N} sets another number (a measurement switch: bench/README
     * "Session 10: hand-offs per request" compares 1 and 2 on a 2-core machine).
     */
    static int threads() {
        Integer asked = Integer.getInteger("sluice.io.threads");
        return asked != null && asked > 0 ? asked : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Tasks queued on the event loops right now (request threads ready to resume, writes handed over), summed; 0
     * before the loops exist. An estimate: the queues are read without stopping them.
     */
    public static long pendingTasks() {
        EventLoopGroup g = group;
        long n = 0;
        if (g != null) {
            for (io.netty.util.concurrent.EventExecutor e : g) {
                if (e instanceof io.netty.util.concurrent.SingleThreadEventExecutor loop) {
                    n += Math.max(0, loop.pendingTasks());
                }
            }
        }
        return n;
    }

    private static void leakDetectionOffUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
