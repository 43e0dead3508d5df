package dev.sluice.server.helidon;

import dev.sluice.server.ConnectionLimits;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ConnectionLimits} on Helidon's HTTP/1 connections. It wraps Helidon's HTTP/1 connection
 * selector, so it sees each connection for its whole life: connections are counted per client
 * address (one over the cap gets a 429 and is closed), and a sweeper closes any connection whose
 * request line and headers have not all arrived within the header timeout, counted from the
 * connection's start, or from the first byte of a kept-alive connection's next request. (A socket
 * read timeout would not do: a slowloris client sends a byte just often enough.) The idle timeout
 * of kept-alive connections is Helidon's own ({@code idleConnectionTimeout}).
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final ConnectionLimits limits;
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<ConnectionContext, Watched> watched = new ConcurrentHashMap<>();
    private final long headerTimeoutNanos;
    private final Thread sweeper;
    private volatile boolean stopped;

    /** One open connection: whether a request's headers are awaited, and until when. */
    private static final class Watched {
        final ServerConnection connection;
        /** System.nanoTime() by which the awaited headers must be in; 0 while none are awaited. */
        volatile long deadline;
        /** Between a request's headers and its response: bytes are the body, not a new request. */
        volatile boolean inRequest;

        Watched(ServerConnection connection, long deadline) {
            this.connection = connection;
            this.deadline = deadline;
        }
    }

    ConnectionGuard(ConnectionLimits limits) {
        this.limits = limits;
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        long tick = Math.clamp(limits.headerTimeout().toMillis() / 8, 25, 500);
        this.sweeper = Thread.ofVirtual().name("sluice-header-timeouts").start(() -> sweep(tick));
    }

    /** Tells the guard when a request's bytes come in and when its headers are complete. */
    Http1ConnectionListener receiveListener() {
        return new Http1ConnectionListener() {
            @Override
            public void data(ConnectionContext ctx, BufferData data) {
                bytesArrived(ctx);
            }

            @Override
            public void data(ConnectionContext ctx, byte[] bytes, int offset, int length) {
                bytesArrived(ctx);
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                Watched w = watched.get(ctx);
                if (w != null) {
                    w.inRequest = true;
                    w.deadline = 0;
                }
            }
        };
    }

    /** Tells the guard when a response starts: what the client sends next begins a new request. */
    Http1ConnectionListener sendListener() {
        return new Http1ConnectionListener() {
            @Override
            public void status(ConnectionContext ctx, Status status) {
                Watched w = watched.get(ctx);
                if (w != null) {
                    w.inRequest = false;
                }
            }
        };
    }

    private void bytesArrived(ConnectionContext ctx) {
        Watched w = watched.get(ctx);
        if (w != null && !w.inRequest && w.deadline == 0) {
            w.deadline = deadlineFromNow();
        }
    }

    private long deadlineFromNow() {
        long d = System.nanoTime() + headerTimeoutNanos;
        return d == 0 ? 1 : d;
    }

    private void sweep(long tickMillis) {
        while (!stopped) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            watched.forEach((ctx, w) -> {
                long deadline = w.deadline;
                if (deadline != 0 && now - deadline > 0 && watched.remove(ctx, w)) {
                    LOG.debug("closing a connection from {}: no complete request headers within {}",
                            address(ctx), limits.headerTimeout());
                    w.connection.close(true);
                }
            });
        }
    }

    void stop() {
        stopped = true;
        sweeper.interrupt();
    }

    /**
     * Helidon's HTTP/1 selector with every connection it makes guarded.
     *
     * @param http1 built with {@link #receiveListener()} and {@link #sendListener()} in its config
     */
    ServerConnectionSelector guard(ServerConnectionSelector http1) {
        return new ServerConnectionSelector() {
            @Override
            public int bytesToIdentifyConnection() {
                return http1.bytesToIdentifyConnection();
            }

            @Override
            public Support supports(BufferData data) {
                return http1.supports(data);
            }

            @Override
            public Set<String> supportedApplicationProtocols() {
                return http1.supportedApplicationProtocols();
            }

            @Override
            public ServerConnection connection(ConnectionContext ctx) {
                return new Guarded(ctx, http1.connection(ctx));
            }
        };
    }

    /** A connection counted against its address and watched for slow headers while it runs. */
    private final class Guarded implements ServerConnection {
        private final ConnectionContext ctx;
        private final ServerConnection delegate;

        Guarded(ConnectionContext ctx, ServerConnection delegate) {
            this.ctx = ctx;
            this.delegate = delegate;
        }

        @Override
        public void handle(Semaphore requestSemaphore) throws InterruptedException {
            run(() -> delegate.handle(requestSemaphore));
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            run(() -> delegate.handle(limit));
        }

        private void run(Handler handler) throws InterruptedException {
            String address = address(ctx);
            if (!admit(address)) {
                refuse();
                return;
            }
            Watched w = new Watched(delegate, deadlineFromNow());
            watched.put(ctx, w);
            try {
                handler.handle();
            } finally {
                watched.remove(ctx);
                release(address);
            }
        }

        /** 429 in the OpenAI error format, then the connection closes. */
        private void refuse() {
            String json = "{\"error\":{\"message\":\"Too many connections from your address (at most "
                    + limits.maxConnectionsPerIp() + "). Reuse or close idle connections, then retry.\","
                    + "\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"too_many_connections\"}}";
            String response = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Retry-After: 1\r\nContent-Length: " + json.length() + "\r\n\r\n" + json;
            try {
                ctx.dataWriter().writeNow(BufferData.create(response.getBytes(StandardCharsets.US_ASCII)));
            } catch (RuntimeException e) {
                LOG.debug("the 429 for a connection over the per-address cap was not sent: {}", e.toString());
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }
    }

    @FunctionalInterface
    private interface Handler {
        void handle() throws InterruptedException;
    }

    private boolean admit(String address) {
        int cap = limits.maxConnectionsPerIp();
        if (cap <= 0) {
            return true;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int open = n == null ? 0 : n;
            admitted[0] = open < cap;
            return admitted[0] ? open + 1 : (n == null ? null : n);
        });
        if (!admitted[0]) {
            LOG.debug("refusing a connection from {}: {} already open", address, cap);
        }
        return admitted[0];
    }

    private void release(String address) {
        if (limits.maxConnectionsPerIp() > 0) {
            perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** The client's IP address (no port): what the per-address cap counts. */
    private static String address(ConnectionContext ctx) {
        SocketAddress a = ctx.remotePeer().address();
        if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return ctx.remotePeer().host();
    }
}
