package dev.sluice.guard.judge;

/**
 * Asks a configured model a question through the gateway itself (routing, fallbacks and the
 * request log apply); wired in {@code app.GuardrailsModule}. Throws when the model cannot answer.
 */
@FunctionalInterface
public interface JudgeClient {
    /** The model's answer text to a system instruction and a user message. */
    String complete(String model, String system, String user, String parentRequestId);
}
