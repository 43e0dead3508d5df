package dev.sluice.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;

/**
 * Values read from a parser the way the tree readers read the same value from its {@link JsonNode}: the
 * usual token (a string) directly, anything else through a tree of that one value and the node's own
 * coercion, so a streamed reader and a tree reader of the same bytes cannot disagree.
 */
final class Streamed {
    private Streamed() {}

    /** The current value (its first token is {@code value}) as a tree; JSON null is {@link NullNode}. */
    static JsonNode tree(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return NullNode.getInstance();
        }
        JsonNode node = p.readValueAsTree();
        return node == null ? NullNode.getInstance() : node;
    }

    /** {@code node.asText(ifNull)}: a string's text, {@code ifNull} for null, else the node's text. */
    static String text(JsonParser p, JsonToken value, String ifNull) throws IOException {
        return switch (value) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> ifNull;
            default -> tree(p, value).asText(ifNull);
        };
    }

    /** {@code MessageCodec.textOrNull(node)}: null for null, a string's text, else the node's text. */
    static String textOrNull(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> tree(p, value).asText();
        };
    }
}
