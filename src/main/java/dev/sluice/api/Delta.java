package dev.sluice.api;

import java.util.List;

/** What one streamed chunk adds to a choice. Null fields are absent on the wire. */
public record Delta(String role, String content, List<ToolCallDelta> toolCalls, String refusal) {

    public Delta {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static Delta text(String content) {
        return new Delta(null, content, List.of(), null);
    }
}
