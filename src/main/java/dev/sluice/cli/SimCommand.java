package dev.sluice.cli;

import dev.sluice.server.PortInUseException;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice sim}: runs the upstream simulator alone (OpenAI, Azure OpenAI, Anthropic and Gemini wire formats). */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Run the built-in upstream simulator (OpenAI, Azure OpenAI, Anthropic and Gemini formats, latency and fault injection).")
final class SimCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9090", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ttft-ms", defaultValue = "0", description = "Time to first token, ms (default ${DEFAULT-VALUE}).")
    long ttftMs;

    @Option(names = "--itl-ms", defaultValue = "0", description = "Delay between streamed tokens, ms (default ${DEFAULT-VALUE}).")
    long itlMs;

    @Option(names = "--tokens", description = "Fixed answer length in tokens (default: 16..48 from the prompt).")
    Integer tokens;

    @Option(names = "--error-rate", defaultValue = "0", description = "Share of requests that fail, 0..1 (default ${DEFAULT-VALUE}).")
    double errorRate;

    @Option(names = "--error-status", defaultValue = "500", description = "HTTP status of injected failures (default ${DEFAULT-VALUE}).")
    int errorStatus;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for generated text and fault rolls (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        SimOptions options = SimOptions.defaults().withHost(host).withPort(port)
                .withTtft(Duration.ofMillis(ttftMs)).withInterTokenDelay(Duration.ofMillis(itlMs))
                .withOutputTokens(tokens).withErrorRate(errorRate).withErrorStatus(errorStatus).withSeed(seed);
        Simulator started;
        try {
            started = Simulator.start(options);
        } catch (PortInUseException e) {
            System.err.println("error: port " + e.port() + " is already in use. Run with --port N.");
            return 2;
        }
        try (Simulator sim = started) {
            System.out.println("Simulator listening on " + sim.baseUrl()
                    + "  (OpenAI: /v1/chat/completions, /v1/embeddings, /v1/models; Anthropic: /v1/messages)");
            System.out.println("Per-request controls: x-sim-ttft-ms, x-sim-itl-ms, x-sim-tokens, x-sim-error-rate,"
                    + " x-sim-error-status, x-sim-hang-ms, x-sim-reset-after, x-sim-malformed, x-sim-context-window");
            Signals.awaitTermination();
        }
        return 0;
    }
}
