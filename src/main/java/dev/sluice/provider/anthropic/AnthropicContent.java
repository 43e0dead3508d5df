package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.provider.ContentParts;
import dev.sluice.provider.DataUrl;

/**
 * Translates the content of one canonical message (a string or OpenAI content parts) into
 * Anthropic content blocks. Errors are 400s naming the part by its path, e.g.
 * {@code messages[2].content[1]}.
 *
 * <ul>
 *   <li>{@code text} → {@code {"type":"text"}}; blank text is dropped (Anthropic rejects empty text blocks)</li>
 *   <li>{@code image_url} with a {@code data:} URL → base64 image; with an http(s) URL → url image
 *       ({@code detail} has no Anthropic equivalent and is dropped)</li>
 *   <li>{@code file} with {@code file_data} as a PDF or plain-text {@code data:} URL → {@code document}</li>
 *   <li>a {@code cache_control} object on any part is passed through (Anthropic prompt caching)</li>
 * </ul>
 */
final class AnthropicContent {
    private AnthropicContent() {}

    /** Blocks of a user message: text, images and documents. */
    static void appendUserBlocks(JsonNode content, String path, ArrayNode out) {
        ContentParts.forEach(content, path, text -> addText(out, text, null), (part, partPath, type) -> {
            switch (type) {
                case "text" -> addText(out, part.path("text").asText(), part.get("cache_control"));
                case "image_url" -> out.add(image(part, partPath));
                case "file" -> out.add(document(part, partPath));
                case "input_audio" -> throw SluiceException.invalidRequest(partPath,
                        "Anthropic models do not accept audio input ('" + partPath + "' is an input_audio part);"
                                + " transcribe it first or route this request to a model that accepts audio.");
                default -> throw unsupportedPart(partPath, type, "text, image_url and file");
            }
        });
    }

    /** Blocks of an assistant message: only text (and refusal text, sent back as text). */
    static void appendAssistantBlocks(JsonNode content, String path, ArrayNode out) {
        ContentParts.forEach(content, path, text -> addText(out, text, null), (part, partPath, type) -> {
            switch (type) {
                case "text" -> addText(out, part.path("text").asText(), part.get("cache_control"));
                case "refusal" -> addText(out, part.path("refusal").asText(), part.get("cache_control"));
                default -> throw unsupportedPart(partPath, type, "text and refusal");
            }
        });
    }

    /**
     * The {@code content} of a {@code tool_result} block: a string stays a string, parts become
     * text and image blocks; null when there is nothing to send.
     */
    static JsonNode toolResultContent(JsonNode content, String path) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText().isEmpty() ? null : content;
        }
        ArrayNode out = Json.array();
        ContentParts.forEach(content, path, text -> addText(out, text, null), (part, partPath, type) -> {
            switch (type) {
                case "text" -> addText(out, part.path("text").asText(), part.get("cache_control"));
                case "image_url" -> out.add(image(part, partPath));
                default -> throw unsupportedPart(partPath, type, "text and image_url");
            }
        });
        return out.isEmpty() ? null : out;
    }

    /** Adds a text block; blank text is skipped, since Anthropic rejects empty and whitespace-only text blocks. */
    static void addText(ArrayNode out, String text, JsonNode cacheControl) {
        if (text == null || text.isBlank()) {
            return;
        }
        ObjectNode block = out.addObject();
        block.put("type", AnthropicWire.TEXT);
        block.put("text", text);
        copyCacheControl(cacheControl, block);
    }

    private static ObjectNode image(JsonNode part, String path) {
        String url = ContentParts.imageUrl(part);
        ObjectNode block = Json.object();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        if (DataUrl.isDataUrl(url)) {
            DataUrl data = DataUrl.parse(url, path + ".image_url.url");
            source.put("type", "base64");
            source.put("media_type", data.mediaType());
            source.put("data", data.base64());
        } else if (DataUrl.isHttpUrl(url)) {
            source.put("type", "url");
            source.put("url", url);
        } else {
            throw SluiceException.invalidRequest(path + ".image_url.url", "The image at '" + path
                    + "' must be a data: URL (data:image/png;base64,...) or an http(s) URL.");
        }
        copyCacheControl(part.get("cache_control"), block);
        return block;
    }

    private static ObjectNode document(JsonNode part, String path) {
        JsonNode file = part.path("file");
        String fileData = file.path("file_data").asText(null);
        if (fileData == null) {
            throw SluiceException.invalidRequest(path + ".file", "Anthropic models need the file's bytes inline: send '"
                    + path + ".file.file_data' as a data: URL; OpenAI file ids cannot be read by Anthropic.");
        }
        DataUrl data = DataUrl.parse(fileData, path + ".file.file_data");
        ObjectNode block = Json.object();
        block.put("type", "document");
        ObjectNode source = block.putObject("source");
        switch (data.mediaType()) {
            case "application/pdf" -> {
                source.put("type", "base64");
                source.put("media_type", "application/pdf");
                source.put("data", data.base64());
            }
            case "text/plain" -> {
                source.put("type", "text");
                source.put("media_type", "text/plain");
                source.put("data", data.decodedText(path + ".file.file_data"));
            }
            default -> throw SluiceException.invalidRequest(path + ".file.file_data", "Anthropic models read PDF"
                    + " (application/pdf) and plain-text (text/plain) files; '" + path + "' is "
                    + data.mediaType() + ".");
        }
        String filename = file.path("filename").asText("");
        if (!filename.isEmpty()) {
            block.put("title", filename);
        }
        copyCacheControl(part.get("cache_control"), block);
        return block;
    }

    private static void copyCacheControl(JsonNode cacheControl, ObjectNode block) {
        if (cacheControl != null && cacheControl.isObject()) {
            block.set("cache_control", cacheControl);
        }
    }

    private static SluiceException unsupportedPart(String path, String type, String supported) {
        return ContentParts.unsupportedPart("Anthropic models", path, type, supported);
    }
}
