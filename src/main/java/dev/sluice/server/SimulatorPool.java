package dev.sluice.server;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Durations;
import dev.sluice.config.ProviderConfig;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded simulators behind {@code type: simulator} providers: one per distinct set of
 * options (every wire format shares one, as the simulator speaks them all), started on
 * first use on a random loopback port.
 */
public final class SimulatorPool implements AutoCloseable {
    private final Map<Map<String, String>, Simulator> running = new LinkedHashMap<>();

    public synchronized String baseUrl(ProviderConfig provider) {
        if (provider == null || !provider.type().equals("simulator")) {
            return null;
        }
        return running.computeIfAbsent(provider.simulator(), options -> Simulator.start(options(provider))).baseUrl();
    }

    static SimOptions options(ProviderConfig provider) {
        SimOptions o = SimOptions.defaults();
        for (Map.Entry<String, String> e : provider.simulator().entrySet()) {
            String v = e.getValue().strip();
            try {
                o = switch (e.getKey()) {
                    case "ttft" -> o.withTtft(duration(v));
                    case "inter_token_delay" -> o.withInterTokenDelay(duration(v));
                    case "output_tokens" -> o.withOutputTokens(Integer.parseInt(v));
                    case "error_rate" -> o.withErrorRate(Double.parseDouble(v));
                    case "error_status" -> o.withErrorStatus(Integer.parseInt(v));
                    case "retry_after_seconds" -> o.withRetryAfterSeconds(Integer.parseInt(v));
                    case "context_window" -> o.withContextWindow(Integer.parseInt(v));
                    case "seed" -> o.withSeed(Long.parseLong(v));
                    case "embedding_dimensions" -> o.withEmbeddingDimensions(Integer.parseInt(v));
                    default -> throw new IllegalArgumentException("unknown simulator option; known: ttft, "
                            + "inter_token_delay, output_tokens, error_rate, error_status, retry_after_seconds, "
                            + "context_window, seed, embedding_dimensions");
                };
            } catch (IllegalArgumentException bad) {
                throw new ConfigException(provider.name() + ": providers." + provider.name() + ".options." + e.getKey()
                        + ": '" + v + "' is not valid (" + bad.getMessage() + ")");
            }
        }
        return o;
    }

    private static Duration duration(String text) {
        Duration d = Durations.parse(text);
        if (d == null) {
            throw new IllegalArgumentException("write a duration like 50ms or 1s");
        }
        return d;
    }

    @Override
    public synchronized void close() {
        running.values().forEach(Simulator::close);
        running.clear();
    }
}
