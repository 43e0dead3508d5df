package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.SluiceException;
import dev.sluice.api.TokenCounter;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /v1/embeddings}: one deterministic vector per input (strings, token-id arrays), of
 * {@code dimensions} or the simulator's default length, as floats or base64.
 */
final class OpenAiEmbeddingsHandler extends SimEndpoint {

    OpenAiEmbeddingsHandler(SimContext sim, Dialect dialect) {
        super(sim, dialect);
    }

    @Override
    protected void serve(Received received, HttpCall res) {
        answer(EmbeddingCodec.readRequest(received.body()), received.faults(), res);
    }

    /** Answers a parsed request; shared with the Azure path. */
    void answer(EmbeddingRequest request, Faults faults, HttpCall res) {
        sim.models().seen(request.model());
        int dimensions = request.dimensions() != null ? request.dimensions() : sim.options().embeddingDimensions();
        boolean base64 = "base64".equals(request.encodingFormat());
        List<JsonNode> inputs = inputs(request.input());
        List<EmbeddingResponse.Embedding> data = new ArrayList<>(inputs.size());
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            int inputTokens = input.isTextual() ? TokenCounter.count(input.asText()) : input.size();
            if (inputTokens > faults.contextWindow()) {
                throw new SluiceException(400, "invalid_request_error", "context_length_exceeded", "input",
                        "This model's maximum context length is " + faults.contextWindow()
                                + " tokens, however you requested " + inputTokens + " tokens in input[" + i
                                + "]. Please reduce your input.");
            }
            tokens += inputTokens;
            long hash = input.isTextual() ? EmbeddingGenerator.hash(input.asText()) : EmbeddingGenerator.hash(input);
            float[] vector = EmbeddingGenerator.vector(hash, dimensions);
            data.add(new EmbeddingResponse.Embedding(i,
                    base64 ? EmbeddingGenerator.base64(vector) : EmbeddingGenerator.floats(vector)));
        }
        Pacing.sleep(faults.ttft());
        if (faults.resetAfter() != null) {
            throw new ConnectionReset("simulated connection reset before the response");
        }
        byte[] body = EmbeddingCodec.writeResponse(new EmbeddingResponse(data, request.model(), new Usage(tokens, 0,
                tokens, 0, 0)));
        if (faults.malformed()) {
            body = Arrays.copyOf(body, body.length / 2);
        }
        res.send(200, "application/json", body);
    }

    /** Each input to embed: a string, or an array of token ids. */
    private static List<JsonNode> inputs(JsonNode input) {
        if (input.isTextual() || (input.isArray() && input.get(0).isIntegralNumber())) {
            return List.of(input);
        }
        List<JsonNode> out = new ArrayList<>(input.size());
        input.forEach(out::add);
        return out;
    }
}
