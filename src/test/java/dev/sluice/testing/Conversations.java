package dev.sluice.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;

/** Request bodies several tests need. */
public final class Conversations {
    private Conversations() {}

    /** A conversation that ends with a tool result; the simulator answers by quoting it. */
    public static ObjectNode toolResult(String model, String result) {
        ObjectNode body = Json.object().put("model", model);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", "Look up my account, please.");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        ObjectNode call = assistant.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
        call.putObject("function").put("name", "lookup").put("arguments", "{}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", result);
        return body;
    }

}
