package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP client every provider shares: Helidon's blocking WebClient (pooled keep-alive
 * connections, virtual-thread friendly). It turns transport failures into classified
 * {@link UpstreamException}s so providers only deal with HTTP statuses and bodies.
 */
public final class UpstreamHttp {
    private static final Map<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    private final String provider;
    private final WebClient client;

    /** @param baseUrl e.g. {@code http://127.0.0.1:9090/v1}; request paths are appended to it */
    public UpstreamHttp(String provider, String baseUrl, Duration connectTimeout) {
        this.provider = provider;
        this.client = WebClient.builder()
                .baseUri(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/")
                .connectTimeout(connectTimeout)
                .socketOptions(options -> options.tcpNoDelay(true))
                .shareConnectionCache(false)
                .connectionCacheSize(1024)
                .build();
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

        @Override
        void close();
    }

    /**
     * POSTs a JSON body and returns once the status line and headers have arrived.
     *
     * @param path relative to the base URL, unencoded (the client encodes it); it may end in a
     *             query such as {@code ?alt=sse} or {@code ?api-version=2024-10-21}, whose
     *             values are sent as query parameters (the client would otherwise escape the
     *             {@code ?} into the path)
     */
    public Response postJson(String path, Map<String, String> headers, byte[] body, Duration readTimeout) {
        int query = path.indexOf('?');
        String plainPath = query < 0 ? path : path.substring(0, query);
        HttpClientRequest request = client.post(plainPath.startsWith("/") ? plainPath.substring(1) : plainPath)
                .readTimeout(readTimeout)
                .header(HeaderNames.CONTENT_TYPE, "application/json");
        if (query >= 0) {
            for (String pair : path.substring(query + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (!pair.isEmpty()) {
                    request.queryParam(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
                }
            }
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            request.header(name(h.getKey()), h.getValue());
        }
        return send(request, body);
    }

    /** GETs a path, for health checks and model listings. */
    public Response get(String path, Map<String, String> headers, Duration readTimeout) {
        HttpClientRequest request = client.get(path.startsWith("/") ? path.substring(1) : path).readTimeout(readTimeout);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            request.header(name(h.getKey()), h.getValue());
        }
        try {
            return wrap(request.request());
        } catch (RuntimeException e) {
            throw transportFailure(e);
        }
    }

    private Response send(ClientRequest<?> request, byte[] body) {
        try {
            return wrap(request.submit(body));
        } catch (RuntimeException e) {
            throw transportFailure(e);
        }
    }

    private Response wrap(HttpClientResponse response) {
        return new Response() {
            @Override
            public int status() {
                return response.status().code();
            }

            @Override
            public String header(String name) {
                return response.headers().first(name(name)).orElse(null);
            }

            @Override
            public InputStream body() {
                return response.inputStream();
            }

            @Override
            public byte[] readAll() {
                try (InputStream in = response.inputStream()) {
                    return in.readAllBytes();
                } catch (IOException | RuntimeException e) {
                    throw transportFailure(e);
                }
            }

            @Override
            public JsonNode readJsonObject() {
                byte[] body = readAll();
                try {
                    JsonNode node = Json.parseUpstream(body);
                    if (node != null && node.isObject()) {
                        return node;
                    }
                } catch (IOException | RuntimeException e) {
                    throw malformed(e);
                }
                throw malformed(null);
            }

            @Override
            public void close() {
                try {
                    response.close();
                } catch (RuntimeException ignored) {
                    // the connection is dropped instead of pooled; nothing else to do
                }
            }
        };
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

    private static HeaderName name(String name) {
        return NAMES.computeIfAbsent(name, HeaderNames::create);
    }

    public void close() {
        // Helidon's client owns no threads; pooled connections close with the JVM
    }
}
