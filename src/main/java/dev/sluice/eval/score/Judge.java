package dev.sluice.eval.score;

/**
 * Asks a model for a grade through the gateway (offline: the eval client's HTTP call; online: the
 * gateway's own router-only pipeline). Throws when the model cannot answer.
 */
@FunctionalInterface
public interface Judge {
    /**
     * The model's answer text to a system instruction and a user message.
     *
     * @param verdict the JSON Schema of the verdict expected (a judge that can ask for structured
     *                output does; others may ignore it, the verdict is also found in free text)
     */
    String complete(String model, String system, String user, com.fasterxml.jackson.databind.JsonNode verdict);
}
