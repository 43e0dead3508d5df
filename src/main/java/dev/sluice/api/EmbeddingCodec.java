package dev.sluice.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads and writes embeddings requests and responses in OpenAI's wire format. */
public final class EmbeddingCodec {
    private static final Set<String> KNOWN = Set.of("model", "input", "encoding_format", "dimensions", "user");

    private EmbeddingCodec() {}

    public static EmbeddingRequest readRequest(byte[] body) {
        JsonNode root = Json.parse(body);
        if (!root.isObject()) {
            throw SluiceException.invalidRequest(null, "The request body must be a JSON object.");
        }
        String model = RequestLimits.check("model", Fields.requiredString(root, "model", ""), RequestLimits.MAX_MODEL);
        JsonNode input = Fields.present(root, "input");
        if (input == null) {
            throw SluiceException.missing("input");
        }
        validateInput(input);
        String format = Fields.optionalString(root, "encoding_format", "");
        Fields.oneOf(format, Set.of("float", "base64"), "encoding_format");
        return new EmbeddingRequest(model, input, format, Fields.optionalInt(root, "dimensions", "", 1, 65536),
                RequestLimits.check("user", Fields.optionalString(root, "user", ""), RequestLimits.MAX_USER),
                Fields.extras(root, KNOWN));
    }

    private static void validateInput(JsonNode input) {
        String expected = "a string, an array of strings, an array of token ids, or an array of token-id arrays";
        if (input.isTextual()) {
            if (input.textValue().isEmpty()) {
                throw SluiceException.invalidType("input", expected + " (not empty)");
            }
            return;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw SluiceException.invalidType("input", expected + " (not empty)");
        }
        JsonNode first = input.get(0);
        for (JsonNode item : input) {
            boolean ok = first.isTextual() ? item.isTextual()
                    : first.isIntegralNumber() ? item.isIntegralNumber()
                    : first.isArray() && item.isArray();
            if (!ok) {
                throw SluiceException.invalidType("input", expected);
            }
            if ((item.isTextual() && item.textValue().isEmpty()) || (item.isArray() && item.isEmpty())) {
                throw SluiceException.invalidType("input", expected + " (not empty)");
            }
        }
    }

    public static byte[] writeRequest(EmbeddingRequest r) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("model", r.model());
            gen.writeFieldName("input");
            gen.writeTree(r.input());
            if (r.encodingFormat() != null) {
                gen.writeStringField("encoding_format", r.encodingFormat());
            }
            if (r.dimensions() != null) {
                gen.writeNumberField("dimensions", r.dimensions());
            }
            if (r.user() != null) {
                gen.writeStringField("user", r.user());
            }
            MessageCodec.writeExtras(gen, r.extra());
            gen.writeEndObject();
        });
    }

    public static EmbeddingResponse readResponse(JsonNode root) {
        List<EmbeddingResponse.Embedding> data = new ArrayList<>();
        for (JsonNode item : root.path("data")) {
            data.add(new EmbeddingResponse.Embedding(item.path("index").asInt(data.size()), item.get("embedding")));
        }
        JsonNode usage = root.path("usage");
        int prompt = usage.path("prompt_tokens").asInt(0);
        return new EmbeddingResponse(data, root.path("model").asText(""),
                new Usage(prompt, 0, usage.path("total_tokens").asInt(prompt), 0, 0));
    }

    public static byte[] writeResponse(EmbeddingResponse r) {
        return Json.write(gen -> writeResponse(gen, r));
    }

    private static void writeResponse(JsonGenerator gen, EmbeddingResponse r) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("object", "list");
        gen.writeArrayFieldStart("data");
        for (EmbeddingResponse.Embedding e : r.data()) {
            gen.writeStartObject();
            gen.writeStringField("object", "embedding");
            gen.writeNumberField("index", e.index());
            gen.writeFieldName("embedding");
            gen.writeTree(e.embedding());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeStringField("model", r.model());
        gen.writeObjectFieldStart("usage");
        gen.writeNumberField("prompt_tokens", r.usage() == null ? 0 : r.usage().promptTokens());
        gen.writeNumberField("total_tokens", r.usage() == null ? 0 : r.usage().totalTokens());
        gen.writeEndObject();
        gen.writeEndObject();
    }
}
