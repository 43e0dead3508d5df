package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What the simulated model answers, before it is put into a wire format. */
sealed interface SimReply {

    Finish finish();

    /** Completion tokens of the answer, as the provider would bill them. */
    int outputTokens();

    /** Why the answer ended, in neutral terms; each wire format names these its own way. */
    enum Finish { END, LENGTH, STOP_SEQUENCE, TOOL_CALLS }

    /**
     * A text answer, already split into the pieces a stream sends one by one.
     *
     * @param stopSequence the stop sequence that ended the answer, or null
     */
    record Text(List<String> pieces, String text, int outputTokens, Finish finish, String stopSequence)
            implements SimReply {
        public Text {
            pieces = List.copyOf(pieces);
        }
    }

    /** One or more function calls; the model says nothing else. */
    record ToolCalls(List<Call> calls, int outputTokens) implements SimReply {
        public ToolCalls {
            calls = List.copyOf(calls);
        }

        @Override
        public Finish finish() {
            return Finish.TOOL_CALLS;
        }
    }

    /** @param arguments {@code input} as compact JSON text, the way OpenAI sends arguments */
    record Call(String id, String name, JsonNode input, String arguments) {}
}
