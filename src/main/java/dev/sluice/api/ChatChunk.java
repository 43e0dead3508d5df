package dev.sluice.api;

import java.util.List;

/**
 * One {@code chat.completion.chunk} of a stream. The final usage chunk has no choices and a usage.
 */
public record ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Usage usage,
                        String systemFingerprint) {

    public ChatChunk {
        choices = List.copyOf(choices);
    }

    /** The same chunk without usage, for clients that did not ask for it. */
    public ChatChunk withoutUsage() {
        return new ChatChunk(id, created, model, choices, null, systemFingerprint);
    }
}
