package dev.sluice.provider.anthropic;

import dev.sluice.api.ChunkStream;
import dev.sluice.provider.MemoryResponse;
import dev.sluice.provider.UpstreamHttp;
import java.time.Clock;

/** Benchmark-only accessor (compiled from bench/ into the package): the package-private decoder. */
public final class StreamAccess {
    private StreamAccess() {}

    public static ChunkStream decode(UpstreamHttp http, byte[] recordedSse, Clock clock) {
        return new AnthropicStreamDecoder("sim", "claude-sonnet-4-5", http, new MemoryResponse(recordedSse), clock);
    }
}
