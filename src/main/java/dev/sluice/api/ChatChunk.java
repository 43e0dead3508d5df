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

    /** Whether the chunk carries text, a refusal or a tool call: what "first token" means. */
    public boolean hasContent() {
        for (ChunkChoice c : choices) {
            Delta d = c.delta();
            if ((d.content() != null && !d.content().isEmpty()) || !d.toolCalls().isEmpty() || d.refusal() != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether any choice finishes in this chunk. */
    public boolean hasFinish() {
        for (ChunkChoice c : choices) {
            if (c.finishReason() != null) {
                return true;
            }
        }
        return false;
    }

    /** The same chunk without usage, for clients that did not ask for it. */
    public ChatChunk withoutUsage() {
        return new ChatChunk(id, created, model, choices, null, systemFingerprint);
    }
}
