package dev.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny upstream for provider tests (Anthropic, Gemini, Azure...): the JDK's HTTP server on a
 * free port, recording every request it receives and answering with whatever {@link Reply} the
 * test gave it.
 */
public final class FakeUpstream implements AutoCloseable {

    /**
     * What the upstream received.
     *
     * @param query the raw query string, or null when there was none
     * @param raw   the body's bytes as they arrived (empty when there was none)
     */
    public record Received(String method, String path, String query, Headers headers, JsonNode body, byte[] raw) {
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** Writes the upstream's answer. */
    @FunctionalInterface
    public interface Reply {
        void write(HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private FakeUpstream(Reply reply) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body.length == 0 ? null : Json.parse(body),
                        body));
                reply.write(exchange);
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        server.start();
    }

    public static FakeUpstream start(Reply reply) {
        return new FakeUpstream(reply);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Errors thrown inside the fake (a reply that could not be written), for tests to assert none. */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** A JSON answer with the given status and extra headers (name, value, name, value...). */
    public static Reply json(int status, String body, String... headers) {
        return exchange -> {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            exchange.getResponseHeaders().set("content-type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** An SSE answer written and flushed one event at a time (events are separated by blank lines). */
    public static Reply sse(String body) {
        return exchange -> {
            try (OutputStream out = startSse(exchange)) {
                for (String event : events(body)) {
                    writeEvent(out, event);
                }
            }
        };
    }

    public static OutputStream startSse(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    public static void writeEvent(OutputStream out, String event) throws IOException {
        out.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public static List<String> events(String sseBody) {
        return java.util.Arrays.stream(sseBody.split("\n\n")).map(String::strip).filter(e -> !e.isEmpty()).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
