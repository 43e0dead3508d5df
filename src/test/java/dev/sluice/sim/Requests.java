package dev.sluice.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;

/** Request bodies for tests, built as trees so each test can add what it needs. */
final class Requests {
    private Requests() {}

    static ObjectNode chat(String userText) {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", userText);
        return body;
    }

    static ObjectNode streamingChat(String userText) {
        return chat(userText).put("stream", true);
    }

    static ObjectNode messages(String userText) {
        ObjectNode body = Json.object().put("model", "claude-sonnet-4-5").put("max_tokens", 1024);
        body.putArray("messages").addObject().put("role", "user").put("content", userText);
        return body;
    }

    /** An OpenAI function tool {@code get_weather(location: string, unit: celsius|fahrenheit)}. */
    static ObjectNode weatherTool() {
        ObjectNode tool = Json.object().put("type", "function");
        ObjectNode fn = tool.putObject("function").put("name", "get_weather").put("description", "Current weather");
        fn.set("parameters", weatherSchema());
        return tool;
    }

    static ObjectNode weatherSchema() {
        ObjectNode schema = Json.object().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("location").put("type", "string");
        ArrayNode units = props.putObject("unit").put("type", "string").putArray("enum");
        units.add("celsius").add("fahrenheit");
        schema.putArray("required").add("location").add("unit");
        return schema;
    }

    /** The same tool in Anthropic's shape. */
    static ObjectNode anthropicWeatherTool() {
        ObjectNode tool = Json.object().put("name", "get_weather").put("description", "Current weather");
        tool.set("input_schema", weatherSchema());
        return tool;
    }
}
