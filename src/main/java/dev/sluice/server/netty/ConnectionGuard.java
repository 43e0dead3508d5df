package dev.sluice.server.netty;

import dev.sluice.server.ConnectionLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ConnectionLimits} on one connection, first in its pipeline (it sees the raw bytes): the
 * per-address cap (one over gets a 429 and is closed), the header timeout (a request's line and
 * headers must all arrive within it, counted from the connection's start or from the first byte of a
 * kept-alive connection's next request: a slowloris client sending a byte now and then is cut all
 * the same) and the idle timeout between requests. Timers run on the connection's event loop.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    /** Connections per client address, shared by every connection of one listener. */
    static final class Counts {
        private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

        boolean acquire(String address, int cap) {
            AtomicInteger n = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
            if (n.incrementAndGet() > cap && cap > 0) {
                release(address);
                return false;
            }
            return true;
        }

        void release(String address) {
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    private enum State { AWAITING_HEADERS, IN_REQUEST, IDLE }

    private final ConnectionLimits limits;
    private final Counts counts;
    private String address;
    private boolean refused;
    private State state = State.AWAITING_HEADERS;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext ctx;

    ConnectionGuard(ConnectionLimits limits, Counts counts) {
        this.limits = limits;
        this.counts = counts;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        address = ctx.channel().remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        if (limits.maxConnectionsPerIp() > 0 && !counts.acquire(address, limits.maxConnectionsPerIp())) {
            refused = true;
            address = null;
            refuse(ctx);
            return;
        }
        schedule(limits.headerTimeout().toNanos());
        super.channelActive(ctx);
    }

    /** 429 in the OpenAI error format, then the connection closes. */
    private void refuse(ChannelHandlerContext ctx) {
        String json = "{\"error\":{\"message\":\"Too many connections from your address (at most "
                + limits.maxConnectionsPerIp() + "). Reuse or close idle connections, then retry.\","
                + "\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"too_many_connections\"}}";
        String response = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Retry-After: 1\r\nContent-Length: " + json.length() + "\r\n\r\n" + json;
        // Then the sending side is shut and what the client sends is read and dropped for a moment: closing
        // at once would answer its request bytes with a reset, which can discard the 429 before it is read.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(response.getBytes(StandardCharsets.US_ASCII))).addListener(f -> {
            if (ctx.channel() instanceof io.netty.channel.socket.DuplexChannel duplex) {
                duplex.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), 1, TimeUnit.SECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
            // the first byte of the next request: its headers are due within the header timeout
            state = State.AWAITING_HEADERS;
            schedule(limits.headerTimeout().toNanos());
        }
        super.channelRead(ctx, msg);
    }

    /** On the event loop: a request's line and headers are in. */
    void requestStarted() {
        state = State.IN_REQUEST;
        cancel();
    }

    /** On the event loop: a response is complete and the connection is kept for the next request. */
    void idle() {
        state = State.IDLE;
        schedule(limits.idleTimeout().toNanos());
    }

    private void schedule(long nanos) {
        cancel();
        State expected = state;
        timer = ctx.executor().schedule(() -> {
            if (state == expected && ctx.channel().isActive()) {
                ctx.close();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        if (address != null) {
            counts.release(address);
            address = null;
        }
        super.channelInactive(ctx);
    }
}
