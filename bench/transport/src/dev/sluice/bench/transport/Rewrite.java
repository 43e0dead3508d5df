package dev.sluice.bench.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What every proxy does with a body: parse the JSON and write it again (a gateway's minimum). */
final class Rewrite {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Rewrite() {}

    static byte[] json(byte[] body) {
        try {
            JsonNode tree = JSON.readTree(body);
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean streaming(byte[] rewritten) {
        try {
            JsonNode s = JSON.readTree(rewritten).get("stream");
            return s != null && s.asBoolean();
        } catch (IOException e) {
            return false;
        }
    }
}
