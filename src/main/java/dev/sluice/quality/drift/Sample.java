package dev.sluice.quality.drift;

/**
 * What drift looks at in one request: where its prompt sits in embedding space, how long it is and in
 * which language, and what the answer was like.
 *
 * @param embedding    the prompt's unit embedding (all-MiniLM-L6-v2)
 * @param promptTokens the prompt's length, estimated
 * @param outputTokens the answer's completion tokens, or -1 when unknown
 * @param finish       the first finish reason ({@code stop}, {@code length}, {@code tool_calls}, ...), or {@code none}
 */
record Sample(String model, long at, float[] embedding, int promptTokens, String language, int outputTokens,
              boolean refusal, boolean toolCall, String finish) {}
