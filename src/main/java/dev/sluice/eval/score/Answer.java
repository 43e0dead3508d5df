package dev.sluice.eval.score;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A model's answer as scorers see it: its text, its tool calls (OpenAI's {@code tool_calls} array,
 * or null), and what the gateway reported about the call.
 *
 * @param latencyMs wall time of the call as the client saw it
 * @param costUsd   the cost the gateway settled ({@code x-sluice-cost}), or null when unknown
 * @param error     why there is no answer (the gateway's error message), or null
 * @param servedPrompt the registry prompt version the gateway rendered ({@code x-sluice-prompt: NAME@VERSION}),
 *                  or null when the request named no prompt
 */
public record Answer(String text, JsonNode toolCalls, long latencyMs, Double costUsd, int promptTokens,
                     int completionTokens, String model, String requestId, String error, String servedPrompt) {

    public Answer(String text, JsonNode toolCalls, long latencyMs, Double costUsd, int promptTokens,
                  int completionTokens, String model, String requestId, String error) {
        this(text, toolCalls, latencyMs, costUsd, promptTokens, completionTokens, model, requestId, error, null);
    }

    public static Answer text(String text) {
        return new Answer(text, null, 0, null, 0, 0, null, null, null);
    }

    public static Answer failed(String error, long latencyMs, String requestId) {
        return new Answer("", null, latencyMs, null, 0, 0, null, requestId, error, null);
    }

    public boolean failed() {
        return error != null;
    }
}
