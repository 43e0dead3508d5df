package dev.sluice.provider.openai;

import dev.sluice.api.ChunkStream;
import dev.sluice.provider.MemoryResponse;
import dev.sluice.provider.UpstreamHttp;

/** Benchmark-only accessor (compiled from bench/ into the package): the package-private decoder. */
public final class StreamAccess {
    private StreamAccess() {}

    public static ChunkStream decode(UpstreamHttp http, byte[] recordedSse) {
        return new OpenAiStream("sim", http, new MemoryResponse(recordedSse));
    }
}
