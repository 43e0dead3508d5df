package dev.sluice.sim;

import dev.sluice.server.ConnectionLimits;
import dev.sluice.server.Dispatcher;
import dev.sluice.server.HttpHandler;
import dev.sluice.server.Transport;
import dev.sluice.server.netty.NettyTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A fake LLM upstream speaking the OpenAI, Azure OpenAI, Anthropic and Gemini wire formats, with
 * deterministic answers and injectable latency and faults. The demo's default upstream, the
 * gateway tests' upstream and the benchmarks' upstream.
 *
 * <pre>{@code
 * try (Simulator sim = Simulator.start(SimOptions.defaults())) {
 *     String base = sim.baseUrl();               // http://127.0.0.1:PORT
 *     // POST base + "/v1/chat/completions", base + "/v1/messages", base + "/v1/embeddings",
 *     //      base + "/v1beta/models/gemini-2.5-flash:generateContent",
 *     //      base + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
 *     List<RecordedRequest> seen = sim.recorded();
 * }
 * }</pre>
 *
 * <p>Per-request headers override the options: {@code x-sim-ttft-ms}, {@code x-sim-itl-ms}, {@code x-sim-itl-scheduled},
 * {@code x-sim-tokens}, {@code x-sim-error-rate}, {@code x-sim-error-status},
 * {@code x-sim-retry-after}, {@code x-sim-hang-ms}, {@code x-sim-reset-after},
 * {@code x-sim-malformed}, {@code x-sim-context-window} (see the package documentation).
 */
public final class Simulator implements AutoCloseable {
    /**
     * What the simulator's listener enforces: generous timeouts (a benchmark's or a test's client
     * may hold idle pooled connections) and no per-address cap (all its traffic is local).
     */
    private static final ConnectionLimits LIMITS = new ConnectionLimits(Duration.ofSeconds(60), Duration.ofMinutes(5), 0);

    private final Transport.Listening server;
    private final SimContext context;
    private final String baseUrl;

    private Simulator(Transport.Listening server, SimContext context) {
        this.server = server;
        this.context = context;
        String host = context.options().host();
        this.baseUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
    }

    /**
     * Starts a simulator and returns once it accepts connections, on the gateway's own HTTP stack
     * (Netty: no Nagle, so each flushed SSE event leaves at once and streamed timing is what was asked for).
     *
     * @throws dev.sluice.server.PortInUseException when the port is taken
     */
    public static Simulator start(SimOptions options) {
        SimContext context = SimContext.create(options);
        Transport.Listening server = new NettyTransport().start(options.host(), options.port(), LIMITS,
                Dispatcher.of(router(context)));
        return new Simulator(server, context);
    }

    /** Starts a simulator with {@link SimOptions#defaults()}. */
    public static Simulator start() {
        return start(SimOptions.defaults());
    }

    /**
     * The simulator's routes. Any other method or path gets the provider's JSON 404 (and is recorded,
     * so a gateway calling the wrong URL shows up in {@link #recorded()}).
     */
    private static HttpHandler router(SimContext context) {
        Dialect openAi = new OpenAiDialect();
        RecordingAdminHandler admin = new RecordingAdminHandler(context.log());
        OpenAiChatHandler chat = new OpenAiChatHandler(context, openAi);
        OpenAiEmbeddingsHandler embeddings = new OpenAiEmbeddingsHandler(context, openAi);
        Map<String, HttpHandler> posts = Map.of(
                "/v1/chat/completions", chat,
                "/v1/embeddings", embeddings,
                "/v1/messages", new AnthropicMessagesHandler(context, new AnthropicDialect()));
        Map<String, HttpHandler> gets = Map.of(
                "/v1/models", new ModelsHandler(context, openAi),
                "/sim/requests", admin::list);
        HttpHandler gemini = new GeminiHandler(context, new GeminiDialect());
        HttpHandler azureChat = new AzureHandler(context, openAi, AzureHandler.Operation.CHAT, chat, embeddings);
        HttpHandler azureEmbeddings = new AzureHandler(context, openAi, AzureHandler.Operation.EMBEDDINGS, chat, embeddings);
        HttpHandler notFound = new NotFoundHandler(context, openAi);
        return call -> {
            String path = call.path();
            HttpHandler handler = switch (call.method()) {
                case "POST" -> {
                    HttpHandler h = posts.get(path);
                    if (h == null && path.startsWith(GeminiHandler.PREFIX)) {
                        h = gemini;
                    } else if (h == null && path.startsWith(AzureHandler.PATH_PREFIX)) {
                        String[] rest = path.substring(AzureHandler.PATH_PREFIX.length()).split("/", -1);
                        boolean deployment = rest.length >= 2 && !rest[0].isEmpty();
                        String operation = deployment ? String.join("/", java.util.Arrays.copyOfRange(rest, 1, rest.length)) : "";
                        h = operation.equals("chat/completions") ? azureChat
                                : operation.equals("embeddings") ? azureEmbeddings : null;
                    }
                    yield h;
                }
                case "GET" -> gets.get(path);
                case "DELETE" -> path.equals("/sim/requests") ? admin::clear : null;
                default -> null;
            };
            (handler != null ? handler : notFound).handle(call);
        };
    }

    public int port() {
        return server.port();
    }

    /** e.g. {@code http://127.0.0.1:41234}, without a trailing slash or {@code /v1}. */
    public String baseUrl() {
        return baseUrl;
    }

    public SimOptions options() {
        return context.options();
    }

    /** The requests received so far (at most {@link SimOptions#recordLimit()}), oldest first. */
    public List<RecordedRequest> recorded() {
        return context.log().snapshot();
    }

    public void clearRecorded() {
        context.log().clear();
    }

    /** Stops listening and closes every connection; requests still running are cut off. */
    @Override
    public void close() {
        server.stop();
    }
}
