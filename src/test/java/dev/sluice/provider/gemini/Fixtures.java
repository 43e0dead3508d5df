package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** Reads the JSON and SSE fixtures under {@code src/test/resources/gemini/}, and makes predictable ids. */
final class Fixtures {
    private Fixtures() {}

    static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/gemini/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture gemini/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    static JsonNode json(String path) {
        return Json.parse(bytes(path));
    }

    /** Parses inline JSON written in a test. */
    static JsonNode parse(String json) {
        return Json.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Ids {@code <prefix>test1}, {@code <prefix>test2}, ... in the order they are asked for. */
    static GeminiWire.Ids sequentialIds() {
        AtomicInteger n = new AtomicInteger();
        return prefix -> prefix + "test" + n.incrementAndGet();
    }
}
