package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A non-streaming chat completion in the canonical (OpenAI) format. */
public record ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                           String systemFingerprint, ObjectNode extra) {

    public ChatResponse {
        choices = List.copyOf(choices);
    }

    /** The first choice's text, or "" when there is none. */
    public String text() {
        return choices.isEmpty() ? "" : choices.getFirst().message().text();
    }
}
