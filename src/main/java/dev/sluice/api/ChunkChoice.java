package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One choice of a streamed chunk.
 *
 * @param logprobs the upstream's {@code logprobs} object for this chunk's tokens, as it sent it, or null. A stage that
 *                 changes or re-chunks the text (output guardrails, placeholder restoring) makes choices without it:
 *                 the tokens would describe text the client does not get (a redacted e-mail address, for one).
 */
public record ChunkChoice(int index, Delta delta, String finishReason, JsonNode logprobs) {
    /** A choice without log probabilities. */
    public ChunkChoice(int index, Delta delta, String finishReason) {
        this(index, delta, finishReason, null);
    }
}
