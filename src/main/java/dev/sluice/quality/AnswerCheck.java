package dev.sluice.quality;

import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import java.util.Set;

/**
 * Checks a whole answer can fail, named as fallbacks name them ({@code on: [empty, refusal,
 * schema_invalid, guardrail_block, judge_below: 0.6]}): the router tries the fallback model before the client sees a failing answer.
 */
public enum AnswerCheck {
    /** No text and no tool call in the first choice. */
    EMPTY("empty"),
    /** The answer declines the task ({@link Refusals}), or carries the OpenAI {@code refusal} field. */
    REFUSAL("refusal"),
    /** JSON was asked for ({@code response_format}) and the answer is not valid JSON or not of the schema. */
    SCHEMA_INVALID("schema_invalid"),
    /** The output guardrail policy would block the answer (the router asks it through the exchange's output probe). */
    GUARDRAIL_BLOCK("guardrail_block"),
    /** The fallback's judge model scores the answer below its {@code judge_below} threshold (one judge call per answer). */
    JUDGE_BELOW("judge_below");

    private final String label;

    AnswerCheck(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The check named {@code label}, or null. */
    public static AnswerCheck of(String label) {
        for (AnswerCheck c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        return null;
    }

    /**
     * The first of the deterministic {@code checks} (empty, refusal, schema_invalid, in that order) that the answer
     * fails, or null when it passes them all; the router runs guardrail_block and judge_below itself.
     */
    public static AnswerCheck firstFailure(ChatRequest request, ChatResponse response, Set<AnswerCheck> checks,
                                           ResponseFormatCheck formats) {
        if (checks.isEmpty()) {
            return null;
        }
        boolean toolCalls = !response.choices().isEmpty() && !response.choices().getFirst().message().toolCalls().isEmpty();
        String text = response.text();
        if (checks.contains(EMPTY) && !toolCalls && (text == null || text.isBlank())) {
            return EMPTY;
        }
        if (checks.contains(REFUSAL) && !toolCalls && (Refusals.isRefusal(text) || hasRefusalField(response))) {
            return REFUSAL;
        }
        if (checks.contains(SCHEMA_INVALID) && !toolCalls && !formats.errors(text == null ? "" : text,
                request.responseFormat()).isEmpty()) {
            return SCHEMA_INVALID;
        }
        return null;
    }

    private static boolean hasRefusalField(ChatResponse response) {
        if (response.choices().isEmpty()) {
            return false;
        }
        var extra = response.choices().getFirst().message().extra();
        return extra != null && extra.hasNonNull("refusal") && !extra.path("refusal").asText().isBlank();
    }
}
