package dev.sluice.provider;

import dev.sluice.api.SluiceException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A base64 {@code data:} URL (as OpenAI clients send images, audio and files inline) split into
 * its media type and payload, for providers that want the two apart.
 */
public record DataUrl(String mediaType, String base64) {
    private static final String DATA_PREFIX = "data:";
    private static final String BASE64_MARKER = ";base64,";

    /** Whether {@code url} is a {@code data:} URL at all (case-insensitive scheme). */
    public static boolean isDataUrl(String url) {
        return url.regionMatches(true, 0, DATA_PREFIX, 0, DATA_PREFIX.length());
    }

    /** Whether {@code url} is an http or https URL. */
    public static boolean isHttpUrl(String url) {
        return url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7);
    }

    /** Parses {@code url}; anything but a base64 data: URL with a media type is a 400 naming {@code param}. */
    public static DataUrl parse(String url, String param) {
        int marker = url.indexOf(BASE64_MARKER);
        if (!isDataUrl(url) || marker < 0) {
            throw SluiceException.invalidRequest(param, "'" + param + "' must be a base64 data: URL such as"
                    + " data:image/png;base64,iVBORw0...");
        }
        String mediaType = url.substring(DATA_PREFIX.length(), marker).strip();
        int semicolon = mediaType.indexOf(';'); // parameters such as charset
        if (semicolon >= 0) {
            mediaType = mediaType.substring(0, semicolon);
        }
        String payload = url.substring(marker + BASE64_MARKER.length());
        if (mediaType.isEmpty() || payload.isEmpty()) {
            throw SluiceException.invalidRequest(param, "'" + param + "' must name a media type and carry data,"
                    + " as in data:image/png;base64,iVBORw0...");
        }
        return new DataUrl(mediaType, payload);
    }

    /** The payload decoded as UTF-8 text (for text/plain files); invalid base64 is a 400 naming {@code param}. */
    public String decodedText(String param) {
        try {
            return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SluiceException.invalidRequest(param, "'" + param + "' is not valid base64.");
        }
    }
}
