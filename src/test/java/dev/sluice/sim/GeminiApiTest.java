package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.TokenCounter;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The simulator speaks Gemini's generateContent, streamGenerateContent and batchEmbedContents")
class GeminiApiTest {
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static Simulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = Simulator.start();
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    @DisplayName("answers with one text candidate, STOP and usage — the same text the OpenAI format gets for the same conversation")
    void generate() {
        HttpResponse<String> response = client.post(GENERATE, contents("Tell me about forests."), "x-goog-api-key", "AIza-1");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = SimClient.json(response);
        JsonNode candidate = body.path("candidates").get(0);
        assertThat(candidate.path("content").path("role").asText()).isEqualTo("model");
        String text = candidate.path("content").path("parts").get(0).path("text").asText();
        assertThat(text).isNotBlank();
        assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
        assertThat(candidate.path("index").asInt()).isZero();
        JsonNode usage = body.path("usageMetadata");
        assertThat(usage.path("promptTokenCount").asInt()).isPositive();
        assertThat(usage.path("candidatesTokenCount").asInt()).isEqualTo(TokenCounter.count(text));
        assertThat(usage.path("totalTokenCount").asInt())
                .isEqualTo(usage.path("promptTokenCount").asInt() + usage.path("candidatesTokenCount").asInt());
        assertThat(body.path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(body.path("responseId").asText()).isNotBlank();

        String openAi = SimClient.json(client.post("/v1/chat/completions", Requests.chat("Tell me about forests.")))
                .path("choices").get(0).path("message").path("content").asText();
        assertThat(text).isEqualTo(openAi);
        RecordedRequest recorded = sim.recorded().get(sim.recorded().size() - 2);
        assertThat(recorded.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(recorded.header("x-goog-api-key")).isEqualTo("AIza-1");
    }

    @Test
    @DisplayName("streams data-only SSE events whose text adds up to the whole answer; the last carries the finish and full usage, and there is no [DONE]")
    void stream() {
        SimClient.Stream stream = client.stream(STREAM, contents("Tell me about rivers."));

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.failure()).isNull();
        assertThat(stream.events()).allSatisfy(e -> assertThat(e.event()).isNull());
        assertThat(stream.events()).noneMatch(e -> e.data().equals("[DONE]"));
        StringBuilder text = new StringBuilder();
        for (JsonNode event : stream.jsonEvents()) {
            text.append(event.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText());
        }
        JsonNode last = stream.jsonEvents().getLast();
        assertThat(last.path("candidates").get(0).path("finishReason").asText()).isEqualTo("STOP");
        assertThat(last.path("usageMetadata").path("candidatesTokenCount").asInt()).isEqualTo(TokenCounter.count(text.toString()));
        assertThat(stream.jsonEvents().getFirst().path("candidates").get(0).has("finishReason")).isFalse();

        JsonNode whole = SimClient.json(client.post(GENERATE, contents("Tell me about rivers.")));
        assertThat(text.toString()).isEqualTo(whole.path("candidates").get(0).path("content").path("parts").get(0)
                .path("text").asText());
    }

    @Test
    @DisplayName("calls an offered function the prompt names, with arguments built from its schema (types in any case)")
    void functionCall() {
        ObjectNode request = contents("What is the weather in Paris? Use get_weather.");
        request.set("tools", weatherTools("OBJECT", "STRING"));

        JsonNode candidate = SimClient.json(client.post(GENERATE, request)).path("candidates").get(0);

        JsonNode call = candidate.path("content").path("parts").get(0).path("functionCall");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("args").path("location").asText()).isEqualTo("Paris");
        assertThat(call.path("args").path("unit").asText()).isEqualTo("celsius");
        assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    @DisplayName("toolConfig ANY with one allowed name calls that function even when the prompt does not name it; NONE calls none")
    void toolConfig() {
        ObjectNode request = contents("Hello there.");
        request.set("tools", weatherTools("object", "string"));
        ObjectNode config = request.putObject("toolConfig").putObject("functionCallingConfig").put("mode", "ANY");
        config.putArray("allowedFunctionNames").add("get_weather");

        JsonNode parts = SimClient.json(client.post(GENERATE, request)).path("candidates").get(0).path("content").path("parts");
        assertThat(parts.get(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");

        config.put("mode", "NONE");
        config.remove("allowedFunctionNames");
        request.put("contents", contents("Use get_weather for Rome.").get("contents"));
        parts = SimClient.json(client.post(GENERATE, request)).path("candidates").get(0).path("content").path("parts");
        assertThat(parts.get(0).has("text")).isTrue();
    }

    @Test
    @DisplayName("a function response is read back: the answer quotes what the function returned")
    void functionResponse() {
        ObjectNode request = Json.object();
        ArrayNode contents = request.putArray("contents");
        contents.addObject().put("role", "user").putArray("parts").addObject().put("text", "Weather in Paris? Use get_weather.");
        ObjectNode call = contents.addObject().put("role", "model").putArray("parts").addObject().putObject("functionCall");
        call.put("name", "get_weather").putObject("args").put("location", "Paris");
        ObjectNode response = contents.addObject().put("role", "user").putArray("parts").addObject()
                .putObject("functionResponse").put("name", "get_weather");
        response.putObject("response").put("content", "sunny, 21C");
        request.set("tools", weatherTools("object", "string"));

        String text = SimClient.json(client.post(GENERATE, request)).path("candidates").get(0).path("content")
                .path("parts").get(0).path("text").asText();

        assertThat(text).startsWith("The get_weather tool returned: sunny, 21C.");
    }

    @Test
    @DisplayName("responseMimeType application/json answers JSON; with a responseSchema the JSON fits it")
    void jsonModes() {
        ObjectNode request = contents("Give me a city.");
        request.putObject("generationConfig").put("responseMimeType", "application/json");
        String json = SimClient.json(client.post(GENERATE, request)).path("candidates").get(0).path("content")
                .path("parts").get(0).path("text").asText();
        assertThat(Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).isObject()).isTrue();

        ObjectNode schema = ((ObjectNode) request.get("generationConfig")).putObject("responseSchema").put("type", "OBJECT");
        schema.putObject("properties").putObject("city").put("type", "STRING");
        schema.putArray("required").add("city");
        request.put("contents", contents("Give me a city like Lisbon.").get("contents"));
        json = SimClient.json(client.post(GENERATE, request)).path("candidates").get(0).path("content")
                .path("parts").get(0).path("text").asText();
        assertThat(Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).path("city").asText()).isEqualTo("Lisbon");
    }

    @Test
    @DisplayName("candidateCount gives that many candidates, by index; maxOutputTokens cuts with MAX_TOKENS")
    void candidates() {
        ObjectNode request = contents("Tell me a long story.");
        request.putObject("generationConfig").put("candidateCount", 2).put("maxOutputTokens", 3);

        JsonNode candidates = SimClient.json(client.post(GENERATE, request)).path("candidates");

        assertThat(candidates).hasSize(2);
        assertThat(candidates.get(1).path("index").asInt()).isEqualTo(1);
        assertThat(candidates.get(0).path("finishReason").asText()).isEqualTo("MAX_TOKENS");
    }

    @Test
    @DisplayName("injected failures use Google's error body; a 429 says when to retry in a RetryInfo detail, not a header")
    void injectedErrors() {
        HttpResponse<String> limited = client.post(GENERATE, contents("hi"), "x-sim-error-status", "429",
                "x-sim-retry-after", "3");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).isEmpty();
        JsonNode error = SimClient.json(limited).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(429);
        assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.path("details").get(0).path("@type").asText()).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
        assertThat(error.path("details").get(0).path("retryDelay").asText()).isEqualTo("3s");

        HttpResponse<String> overloaded = client.post(STREAM, contents("hi"), "x-sim-error-status", "503");
        assertThat(overloaded.statusCode()).isEqualTo(503);
        assertThat(SimClient.json(overloaded).path("error").path("status").asText()).isEqualTo("UNAVAILABLE");

        HttpResponse<String> tooLong = client.post(GENERATE, contents("a prompt of several tokens"), "x-sim-context-window", "3");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(tooLong).path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(SimClient.json(tooLong).path("error").path("message").asText())
                .contains("exceeds the maximum number of tokens allowed (3)");
    }

    @Test
    @DisplayName("a stream can be cut after N pieces like any other (x-sim-reset-after)")
    void reset() {
        SimClient.Stream stream = client.stream(STREAM, contents("Tell me about rivers."), "x-sim-tokens", "10",
                "x-sim-reset-after", "2");

        assertThat(stream.events()).hasSize(2);
        assertThat(stream.jsonEvents()).noneMatch(e -> e.path("candidates").get(0).has("finishReason"));
    }

    @Test
    @DisplayName("what Gemini rejects is rejected the same way: unknown fields, schema keys outside its subset, empty properties, empty parts")
    void strict() {
        ObjectNode unknown = contents("hi").put("stream", true);
        assertThat(errorMessage(client.post(GENERATE, unknown))).contains("Unknown name \"stream\"");

        ObjectNode additional = contents("hi");
        ArrayNode tools = weatherTools("object", "string");
        ((ObjectNode) tools.get(0).path("functionDeclarations").get(0).get("parameters")).put("additionalProperties", false);
        additional.set("tools", tools);
        assertThat(errorMessage(client.post(GENERATE, additional))).contains("Unknown name \"additionalProperties\"");

        ObjectNode empty = contents("hi");
        ObjectNode fn = empty.putArray("tools").addObject().putArray("functionDeclarations").addObject().put("name", "now");
        fn.putObject("parameters").put("type", "object").putObject("properties");
        assertThat(errorMessage(client.post(GENERATE, empty))).contains("should be non-empty for OBJECT type");

        ObjectNode blank = contents("");
        assertThat(errorMessage(client.post(GENERATE, blank))).contains("required oneof field 'data'");

        ObjectNode snake = contents("hi");
        snake.putObject("generation_config").put("max_output_tokens", 5);
        assertThat(client.post(GENERATE, snake).statusCode()).as("snake_case names are Gemini's too").isEqualTo(200);
    }

    @Test
    @DisplayName("unknown methods are Google's 404; streaming without alt=sse is refused with a hint")
    void unknownMethods() {
        HttpResponse<String> unknown = client.post("/v1beta/models/gemini-2.5-flash:countTokens", contents("hi"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(unknown).path("error").path("status").asText()).isEqualTo("NOT_FOUND");

        HttpResponse<String> noSse = client.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", contents("hi"));
        assertThat(noSse.statusCode()).isEqualTo(400);
        assertThat(errorMessage(noSse)).contains("alt=sse");
    }

    @Test
    @DisplayName("batchEmbedContents returns one vector per request, of outputDimensionality, equal to the OpenAI endpoint's for the same text")
    void embeddings() {
        ObjectNode request = Json.object();
        ArrayNode requests = request.putArray("requests");
        for (String text : new String[] {"first", "second"}) {
            ObjectNode r = requests.addObject().put("model", "models/text-embedding-004").put("outputDimensionality", 8);
            r.putObject("content").putArray("parts").addObject().put("text", text);
        }

        JsonNode body = SimClient.json(client.post("/v1beta/models/text-embedding-004:batchEmbedContents", request));

        assertThat(body.path("embeddings")).hasSize(2);
        assertThat(body.path("embeddings").get(0).path("values")).hasSize(8);
        ObjectNode openAi = Json.object().put("model", "m").put("input", "first").put("dimensions", 8);
        JsonNode expected = SimClient.json(client.post("/v1/embeddings", openAi)).path("data").get(0).path("embedding");
        assertThat(body.path("embeddings").get(0).path("values")).isEqualTo(expected);

        ((ObjectNode) requests.get(1)).put("model", "models/other");
        assertThat(errorMessage(client.post("/v1beta/models/text-embedding-004:batchEmbedContents", request)))
                .contains("does not match");
    }

    private static String errorMessage(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return SimClient.json(response).path("error").path("message").asText();
    }

    /** A request with one user turn of one text part. */
    static ObjectNode contents(String text) {
        ObjectNode body = Json.object();
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", text);
        return body;
    }

    /** get_weather(location, unit) as a Gemini function declaration, its types spelled as given. */
    static ArrayNode weatherTools(String objectType, String stringType) {
        ArrayNode tools = Json.array();
        ObjectNode fn = tools.addObject().putArray("functionDeclarations").addObject()
                .put("name", "get_weather").put("description", "Current weather");
        ObjectNode schema = fn.putObject("parameters").put("type", objectType);
        ObjectNode props = schema.putObject("properties");
        props.putObject("location").put("type", stringType);
        props.putObject("unit").put("type", stringType).putArray("enum").add("celsius").add("fahrenheit");
        schema.putArray("required").add("location").add("unit");
        return tools;
    }
}
