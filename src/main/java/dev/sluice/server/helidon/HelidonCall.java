package dev.sluice.server.helidon;

import dev.sluice.server.HttpCall;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.CloseConnectionException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A Helidon request/response pair as an {@link HttpCall}. */
final class HelidonCall extends HttpCall {
    /** Response header names Sluice sets (a small, fixed family: x-sluice-*, x-ratelimit-*...). */
    private static final Map<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    private final ServerRequest req;
    private final ServerResponse res;
    private Map<String, String> headers;

    HelidonCall(ServerRequest req, ServerResponse res) {
        this.req = req;
        this.res = res;
    }

    @Override
    public String method() {
        return req.prologue().method().text();
    }

    @Override
    public String path() {
        return req.path().path();
    }

    @Override
    public String rawPath() {
        return req.path().rawPath();
    }

    @Override
    public String query(String name) {
        return req.query().first(name).orElse(null);
    }

    @Override
    public List<String> queryAll(String name) {
        return req.query().all(name, List::of);
    }

    @Override
    public String queryString() {
        return req.query().value();
    }

    @Override
    public String remoteAddress() {
        java.net.SocketAddress a = req.remotePeer().address();
        if (a instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return req.remotePeer().host();
    }

    @Override
    public String header(String lowerCaseName) {
        return headers().get(lowerCaseName);
    }

    @Override
    public Map<String, String> headers() {
        if (headers == null) {
            Map<String, String> out = new HashMap<>(32);
            req.headers().forEach(h -> out.putIfAbsent(h.name().toLowerCase(Locale.ROOT), h.get()));
            headers = out;
        }
        return headers;
    }

    @Override
    protected long declaredLength() {
        return req.headers().contentLength().orElse(-1);
    }

    @Override
    protected InputStream bodyStream() {
        return new ClientInput(req.content().inputStream());
    }

    /**
     * The request body: a connection the client closed or reset while it was being read surfaces
     * from Helidon as a {@link CloseConnectionException}; Sluice's contract is an
     * {@link IOException}, which {@link HttpCall#body} turns into {@link dev.sluice.server.ClientGone}.
     */
    private static final class ClientInput extends java.io.FilterInputStream {
        ClientInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (CloseConnectionException e) {
                throw new IOException("the client went away: " + e.getMessage(), e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (CloseConnectionException e) {
                throw new IOException("the client went away: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void header(String name, String value) {
        res.header(NAMES.computeIfAbsent(name, HeaderNames::create), value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.send(body);
    }

    @Override
    protected OutputStream stream(int status) {
        res.status(Status.create(status));
        return new ClientStream(res.outputStream());
    }

    @Override
    public boolean isSent() {
        return res.isSent();
    }

    /**
     * Helidon reports a client that went away as an unchecked {@link CloseConnectionException};
     * Sluice's contract is an {@link IOException}, so the reply writer records it as the client's
     * doing (499) rather than an internal error.
     */
    private static final class ClientStream extends FilterOutputStream {
        ClientStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (CloseConnectionException | UncheckedIOException e) {
                throw gone(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (CloseConnectionException | UncheckedIOException e) {
                throw gone(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (CloseConnectionException | UncheckedIOException e) {
                throw gone(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (CloseConnectionException | UncheckedIOException e) {
                throw gone(e);
            }
        }

        private static IOException gone(RuntimeException e) {
            return new IOException("the client went away: " + e.getMessage(), e);
        }
    }
}
