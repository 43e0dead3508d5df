package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.provider.ContentParts;
import dev.sluice.provider.DataUrl;
import java.util.Locale;
import java.util.Map;

/**
 * Translates the content of one canonical message (a string or OpenAI content parts) into Gemini
 * parts. Errors are 400s naming the part by its path, e.g. {@code messages[2].content[1]}.
 *
 * <ul>
 *   <li>{@code text} → {@code {"text"}}; empty text is dropped (Gemini rejects empty text parts)</li>
 *   <li>{@code image_url} with a {@code data:} URL → {@code inlineData}; with an http(s) URL →
 *       {@code fileData} (its MIME type guessed from the extension when it has a known one;
 *       {@code detail} has no Gemini equivalent and is dropped)</li>
 *   <li>{@code input_audio} → {@code inlineData} with {@code audio/wav} or {@code audio/mp3}</li>
 *   <li>{@code file} with {@code file_data} as a {@code data:} URL → {@code inlineData} (PDFs,
 *       text, ...); an OpenAI {@code file_id} cannot be read by Gemini and is a 400</li>
 * </ul>
 */
final class GeminiContent {
    private static final Map<String, String> IMAGE_TYPES = Map.of(".png", "image/png", ".jpg", "image/jpeg",
            ".jpeg", "image/jpeg", ".webp", "image/webp", ".gif", "image/gif", ".heic", "image/heic",
            ".heif", "image/heif", ".pdf", "application/pdf");

    private GeminiContent() {}

    /** Parts of a user message: text, images, audio and files. */
    static void appendUserParts(JsonNode content, String path, ArrayNode out) {
        ContentParts.forEach(content, path, text -> addText(out, text), (part, partPath, type) -> {
            switch (type) {
                case "text" -> addText(out, part.path("text").asText());
                case "image_url" -> out.add(image(part, partPath));
                case "input_audio" -> out.add(audio(part, partPath));
                case "file" -> out.add(file(part, partPath));
                default -> throw unsupportedPart(partPath, type, "text, image_url, input_audio and file");
            }
        });
    }

    /** Parts of an assistant message: only text (refusal text is sent back as text). */
    static void appendModelParts(JsonNode content, String path, ArrayNode out) {
        ContentParts.forEach(content, path, text -> addText(out, text), (part, partPath, type) -> {
            switch (type) {
                case "text" -> addText(out, part.path("text").asText());
                case "refusal" -> addText(out, part.path("refusal").asText());
                default -> throw unsupportedPart(partPath, type, "text and refusal");
            }
        });
    }

    static void addText(ArrayNode out, String text) {
        if (text != null && !text.isEmpty()) {
            out.addObject().put(GeminiWire.TEXT, text);
        }
    }

    private static ObjectNode image(JsonNode part, String path) {
        String url = ContentParts.imageUrl(part);
        if (DataUrl.isDataUrl(url)) {
            return inline(DataUrl.parse(url, path + ".image_url.url"));
        }
        if (DataUrl.isHttpUrl(url)) {
            ObjectNode out = Json.object();
            ObjectNode file = out.putObject(GeminiWire.FILE_DATA);
            String mimeType = guessMimeType(url);
            if (mimeType != null) {
                file.put("mimeType", mimeType);
            }
            file.put("fileUri", url);
            return out;
        }
        throw SluiceException.invalidRequest(path + ".image_url.url", "The image at '" + path
                + "' must be a data: URL (data:image/png;base64,...) or an http(s) URL.");
    }

    private static ObjectNode audio(JsonNode part, String path) {
        JsonNode audio = part.path("input_audio");
        String data = audio.path("data").asText("");
        String format = audio.path("format").asText("");
        if (data.isEmpty()) {
            throw SluiceException.missing(path + ".input_audio.data");
        }
        String mimeType = switch (format) {
            case "wav" -> "audio/wav";
            case "mp3" -> "audio/mp3";
            default -> throw SluiceException.invalidRequest(path + ".input_audio.format", "'" + path
                    + ".input_audio.format' must be wav or mp3.");
        };
        return inline(new DataUrl(mimeType, data));
    }

    private static ObjectNode file(JsonNode part, String path) {
        JsonNode file = part.path("file");
        String fileData = file.path("file_data").asText(null);
        if (fileData == null) {
            throw SluiceException.invalidRequest(path + ".file", "Gemini models need the file's bytes inline: send '"
                    + path + ".file.file_data' as a data: URL; OpenAI file ids cannot be read by Gemini.");
        }
        return inline(DataUrl.parse(fileData, path + ".file.file_data"));
    }

    private static ObjectNode inline(DataUrl data) {
        ObjectNode out = Json.object();
        ObjectNode inline = out.putObject(GeminiWire.INLINE_DATA);
        inline.put("mimeType", data.mediaType());
        inline.put("data", data.base64());
        return out;
    }

    private static String guessMimeType(String url) {
        String path = url;
        int cut = indexOfAny(path, '?', '#');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : IMAGE_TYPES.get(path.substring(dot).toLowerCase(Locale.ROOT));
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static SluiceException unsupportedPart(String path, String type, String supported) {
        return ContentParts.unsupportedPart("Gemini models", path, type, supported);
    }
}
