package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /v1beta/{model}:{method}}: Gemini's {@code generateContent},
 * {@code streamGenerateContent?alt=sse}, {@code batchEmbedContents} and {@code embedContent},
 * for {@code models/...} and {@code tunedModels/...}. Answers come from the same planner as the
 * other formats (so the same conversation gets the same text), and the same faults apply.
 * {@code x-goog-api-key} is recorded like every header but not required.
 */
final class GeminiHandler extends SimEndpoint {
    static final String PREFIX = "/v1beta/";

    GeminiHandler(SimContext sim, Dialect dialect) {
        super(sim, dialect);
    }

    @Override
    protected void serve(Received received, HttpCall res) {
        String resource = received.http().path().substring(PREFIX.length());
        int colon = resource.lastIndexOf(':');
        if (colon < 0 || !(resource.startsWith("models/") || resource.startsWith("tunedModels/"))) {
            throw GeminiDialect.notFound("Unknown request URL: " + received.http().path()
                    + ". The simulator serves /v1beta/models/{model}:generateContent, :streamGenerateContent?alt=sse,"
                    + " :batchEmbedContents and :embedContent.");
        }
        String model = resource.substring(resource.indexOf('/') + 1, colon);
        String method = resource.substring(colon + 1);
        switch (method) {
            case "generateContent" -> generate(received, model, false, res);
            case "streamGenerateContent" -> {
                if (!"sse".equals(received.http().query("alt"))) {
                    throw GeminiDialect.invalidArgument("The simulator streams Gemini answers as Server-Sent Events only:"
                            + " call :streamGenerateContent?alt=sse.");
                }
                generate(received, model, true, res);
            }
            case "batchEmbedContents" -> embed(received, resource.substring(0, colon), true, res);
            case "embedContent" -> embed(received, resource.substring(0, colon), false, res);
            default -> throw GeminiDialect.notFound("Method " + method + " is not found for " + resource.substring(0, colon)
                    + ".");
        }
    }

    private void generate(Received received, String model, boolean stream, HttpCall res) {
        ChatRequest request = GeminiRequestReader.read(received.jsonOrFail(), model, stream);
        sim.models().seen(model);
        Faults faults = received.faults();
        int promptTokens = TokenCounter.countPrompt(request);
        if (promptTokens > faults.contextWindow()) {
            throw dialect.contextTooLong(promptTokens, faults.contextWindow());
        }
        int n = request.n() == null ? 1 : request.n();
        List<SimReply> replies = new ArrayList<>(n);
        int longest = 0;
        for (int i = 0; i < n; i++) {
            SimReply reply = ReplyPlanner.plan(request, i, faults.tokens(), sim.options().seed(), ReplyPlanner.CallIds.OPENAI,
                    faults.answer());
            replies.add(reply);
            longest = Math.max(longest, reply.outputTokens());
        }
        GeminiJson.Answer answer = new GeminiJson.Answer(sim.ids().next("", 22), model, replies, promptTokens);
        if (stream) {
            GeminiStream.send(res, answer, faults);
            return;
        }
        Pacing.sleep(faults.generationTime(longest));
        send(res, GeminiJson.response(answer), faults);
    }

    private void embed(Received received, String modelResource, boolean batch, HttpCall res) {
        JsonNode root = received.jsonOrFail();
        List<JsonNode> requests = new ArrayList<>();
        if (batch) {
            root.path("requests").forEach(requests::add);
            if (requests.isEmpty()) {
                throw GeminiDialect.invalidArgument("* BatchEmbedContentsRequest.requests: requests is not specified");
            }
        } else {
            requests.add(root);
        }
        sim.models().seen(modelResource.substring(modelResource.indexOf('/') + 1));
        Faults faults = received.faults();
        List<float[]> vectors = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            JsonNode request = requests.get(i);
            String model = request.path("model").asText(modelResource);
            if (batch && !model.equals(modelResource)) {
                throw GeminiDialect.invalidArgument("* BatchEmbedContentsRequest.requests[" + i + "].model: Model name"
                        + " '" + model + "' does not match the batch model '" + modelResource + "'.");
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode part : request.path("content").path("parts")) {
                text.append(part.path("text").asText(""));
            }
            if (text.isEmpty()) {
                throw GeminiDialect.invalidArgument("* " + (batch ? "BatchEmbedContentsRequest.requests[" + i + "]" : "EmbedContentRequest")
                        + ".content.parts: contents.parts must not be empty.");
            }
            int tokens = TokenCounter.count(text.toString());
            if (tokens > faults.contextWindow()) {
                throw dialect.contextTooLong(tokens, faults.contextWindow());
            }
            int dimensions = request.path("outputDimensionality").asInt(sim.options().embeddingDimensions());
            vectors.add(EmbeddingGenerator.vector(EmbeddingGenerator.hash(text.toString()), dimensions));
        }
        Pacing.sleep(faults.ttft());
        send(res, batch ? GeminiJson.embeddings(vectors) : GeminiJson.embedding(vectors.getFirst()), faults);
    }

    private static void send(HttpCall res, byte[] body, Faults faults) {
        if (faults.resetAfter() != null) {
            throw new ConnectionReset("simulated connection reset before the response");
        }
        if (faults.malformed()) {
            body = Arrays.copyOf(body, body.length / 2);
        }
        res.send(200, "application/json; charset=UTF-8", body);
    }
}
