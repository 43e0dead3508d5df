package dev.sluice.sim;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.List;

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
 * <p>Per-request headers override the options: {@code x-sim-ttft-ms}, {@code x-sim-itl-ms},
 * {@code x-sim-tokens}, {@code x-sim-error-rate}, {@code x-sim-error-status},
 * {@code x-sim-retry-after}, {@code x-sim-hang-ms}, {@code x-sim-reset-after},
 * {@code x-sim-malformed}, {@code x-sim-context-window} (see the package documentation).
 */
public final class Simulator implements AutoCloseable {
    /** Requests still running when the simulator closes get this long before their connections drop. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofMillis(200);

    private final WebServer server;
    private final SimContext context;
    private final String baseUrl;

    private Simulator(WebServer server, SimContext context) {
        this.server = server;
        this.context = context;
        String host = context.options().host();
        this.baseUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
    }

    /** Starts a simulator and returns once it accepts connections. */
    public static Simulator start(SimOptions options) {
        SimContext context = SimContext.create(options);
        WebServer server = WebServer.builder()
                .host(options.host())
                .port(options.port())
                .shutdownHook(false)
                .shutdownGracePeriod(SHUTDOWN_GRACE)
                .featuresDiscoverServices(false)
                // no Nagle: each flushed SSE event leaves at once, so streamed timing is what was asked for
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .routing(routing -> routes(routing, context))
                .build()
                .start();
        return new Simulator(server, context);
    }

    /** Starts a simulator with {@link SimOptions#defaults()}. */
    public static Simulator start() {
        return start(SimOptions.defaults());
    }

    private static void routes(HttpRouting.Builder routing, SimContext context) {
        Dialect openAi = new OpenAiDialect();
        Dialect anthropic = new AnthropicDialect();
        RecordingAdminHandler admin = new RecordingAdminHandler(context.log());
        OpenAiChatHandler chat = new OpenAiChatHandler(context, openAi);
        OpenAiEmbeddingsHandler embeddings = new OpenAiEmbeddingsHandler(context, openAi);
        routing.post("/v1/chat/completions", chat)
                .post("/v1/embeddings", embeddings)
                .post("/v1/messages", new AnthropicMessagesHandler(context, anthropic))
                .post(GeminiHandler.PREFIX + "*", new GeminiHandler(context, new GeminiDialect()))
                .post(AzureHandler.PATH_PREFIX + "{deployment}/chat/completions",
                        new AzureHandler(context, openAi, AzureHandler.Operation.CHAT, chat, embeddings))
                .post(AzureHandler.PATH_PREFIX + "{deployment}/embeddings",
                        new AzureHandler(context, openAi, AzureHandler.Operation.EMBEDDINGS, chat, embeddings))
                .get("/v1/models", new ModelsHandler(context, openAi))
                .get("/sim/requests", admin::list)
                .delete("/sim/requests", admin::clear)
                .any(new NotFoundHandler(context, openAi));
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

    /** Stops listening; requests still running are cut off after a short grace period. */
    @Override
    public void close() {
        server.stop();
    }
}
