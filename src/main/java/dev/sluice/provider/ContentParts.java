package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.SluiceException;
import java.util.function.Consumer;

/**
 * Walking the content of a canonical message (a string or OpenAI content parts) for a provider's
 * translation, and what the translations share: the URL of an {@code image_url} part and the 400
 * for a part a provider cannot take.
 */
public final class ContentParts {
    private ContentParts() {}

    /** Handles one content part, given its path (e.g. {@code messages[2].content[1]}) and its {@code type}. */
    @FunctionalInterface
    public interface PartHandler {
        void accept(JsonNode part, String path, String type);
    }

    /** String content goes to {@code text}, each content part to {@code parts}; null content is nothing. */
    public static void forEach(JsonNode content, String path, Consumer<String> text, PartHandler parts) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            text.accept(content.asText());
            return;
        }
        int i = 0;
        for (JsonNode part : content) {
            parts.accept(part, path + "[" + i++ + "]", part.path("type").asText());
        }
    }

    /** The URL of an {@code image_url} part: {@code {"url": ...}} or (leniently) a bare string; "" when absent. */
    public static String imageUrl(JsonNode part) {
        JsonNode imageUrl = part.path("image_url");
        return imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
    }

    /** The 400 for a part of a type {@code models} (e.g. "Anthropic models") cannot take. */
    public static SluiceException unsupportedPart(String models, String path, String type, String supported) {
        return SluiceException.invalidRequest(path, "Content parts of type '" + type + "' cannot be sent to "
                + models + " ('" + path + "'); this message may contain " + supported + " parts.");
    }
}
