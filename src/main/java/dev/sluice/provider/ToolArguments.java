package dev.sluice.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.ToolCall;

/** A tool call's arguments (a JSON string in OpenAI's format) as the JSON object other providers need. */
public final class ToolArguments {
    private ToolArguments() {}

    /**
     * Blank arguments are {}; anything but a JSON object is a 400 naming {@code param}.
     *
     * @param reader how strictly the string is read (e.g. whether trailing tokens fail)
     * @param models the models that cannot take other arguments, e.g. "Gemini models"
     */
    public static JsonNode asObject(ObjectReader reader, ToolCall call, String param, String models) {
        String args = call.arguments();
        if (args == null || args.isBlank()) {
            return Json.object();
        }
        JsonNode input;
        try {
            input = reader.readTree(args);
        } catch (JsonProcessingException e) {
            input = null;
        }
        if (input == null || !input.isObject()) {
            throw SluiceException.invalidRequest(param, "The arguments of tool call '" + call.id() + "' ('" + param
                    + "') must be a JSON object encoded as a string, such as \"{\\\"city\\\":\\\"Paris\\\"}\";"
                    + " " + models + " cannot take other arguments.");
        }
        return input;
    }
}
