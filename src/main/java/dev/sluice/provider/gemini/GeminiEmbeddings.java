package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.TokenCounter;
import dev.sluice.api.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The embeddings operation's translation: OpenAI's {@code /v1/embeddings} request to Gemini's
 * {@code batchEmbedContents} (one request per input, {@code dimensions} as
 * {@code outputDimensionality}) and its {@code embeddings[].values} back.
 *
 * <p>Lossy: Gemini embeds text only, so token-id inputs are refused with a 400; Gemini reports no
 * token usage for embeddings, so the usage returned is counted by Sluice (o200k, an estimate of
 * Gemini's own count); {@code encoding_format: base64} is produced by Sluice from the floats.
 */
final class GeminiEmbeddings {

    private GeminiEmbeddings() {}

    /** The {@code batchEmbedContents} body for {@code request}, embedded by {@code modelPath} (e.g. {@code models/x}). */
    static ObjectNode toWire(EmbeddingRequest request, String modelPath) {
        List<String> texts = texts(request.input());
        ObjectNode out = Json.object();
        ArrayNode requests = out.putArray("requests");
        for (String text : texts) {
            ObjectNode r = requests.addObject();
            r.put("model", modelPath);
            r.putObject("content").putArray("parts").addObject().put(GeminiWire.TEXT, text);
            if (request.dimensions() != null) {
                r.put("outputDimensionality", request.dimensions());
            }
        }
        return out;
    }

    /** The inputs as text; token ids (which only OpenAI's tokenizer gives meaning to) are a 400. */
    static List<String> texts(JsonNode input) {
        if (input.isTextual()) {
            return List.of(input.asText());
        }
        List<String> texts = new ArrayList<>(input.size());
        for (JsonNode item : input) {
            if (!item.isTextual()) {
                throw SluiceException.invalidRequest("input", "Gemini embedding models embed text only; 'input' holds"
                        + " token ids. Send the text itself, as a string or an array of strings.");
            }
            texts.add(item.asText());
        }
        return texts;
    }

    static EmbeddingResponse readResponse(JsonNode root, EmbeddingRequest request, String model) {
        boolean base64 = "base64".equals(request.encodingFormat());
        List<EmbeddingResponse.Embedding> data = new ArrayList<>();
        for (JsonNode embedding : root.path("embeddings")) {
            JsonNode values = embedding.path("values");
            data.add(new EmbeddingResponse.Embedding(data.size(), base64 ? base64(values) : values));
        }
        int tokens = 0;
        for (String text : texts(request.input())) {
            tokens += TokenCounter.count(text);
        }
        return new EmbeddingResponse(data, model, new Usage(tokens, 0, tokens, 0, 0));
    }

    /** OpenAI's {@code encoding_format: base64}: little-endian float32s, base64-encoded. */
    private static JsonNode base64(JsonNode values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : values) {
            bytes.putFloat((float) v.asDouble());
        }
        return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes.array()));
    }
}
