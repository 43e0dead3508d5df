package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The OpenAI wire codecs: round trips, and 400s that name the field")
class CodecsTest {
    private static final String FULL_REQUEST = """
            {"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true},
             "messages": [
               {"role": "system", "content": "Be brief."},
               {"role": "user", "content": [{"type": "text", "text": "Weather?"}], "name": "ann"},
               {"role": "assistant", "content": null,
                "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}}]},
               {"role": "tool", "tool_call_id": "call_1", "content": "4C"}],
             "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather now",
                        "parameters": {"type": "object"}, "strict": true}}],
             "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
             "response_format": {"type": "json_schema", "json_schema": {"name": "w", "schema": {"type": "object"}}},
             "n": 2, "stop": ["END"], "seed": 7, "temperature": 0.5, "top_p": 0.9, "max_tokens": 100,
             "max_completion_tokens": 90, "user": "u-1", "metadata": {"team": "a"},
             "logit_bias": {"50256": -100}, "prediction": {"type": "content", "content": "x"}}
            """;

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a request with every field survives read → write → read, unknown fields included")
    void requestRoundTrip() {
        ChatRequest read = ChatRequestCodec.read(bytes(FULL_REQUEST));
        byte[] written = ChatRequestCodec.write(read);

        assertThat(ChatRequestCodec.read(written)).isEqualTo(read);
        JsonNode json = Json.parse(written);
        assertThat(json.path("logit_bias").path("50256").asInt()).isEqualTo(-100);
        assertThat(json.path("prediction").path("type").asText()).isEqualTo("content");
        assertThat(read.maxOutputTokens()).isEqualTo(90);
        assertThat(read.responseFormatType()).isEqualTo("json_schema");
        assertThat(read.messages().get(2).toolCalls()).containsExactly(new ToolCall("call_1", "get_weather",
                "{\"city\":\"Oslo\"}"));
    }

    @Test
    @DisplayName("a response and a stream chunk survive write → read, with usage details")
    void responseRoundTrip() {
        ChatResponse response = ChatResponseCodec.readResponse(Json.parse(bytes("""
                {"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o",
                 "system_fingerprint": "fp_1", "service_tier": "default",
                 "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": null,
                   "message": {"role": "assistant", "content": null, "refusal": null,
                     "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                   "prompt_tokens_details": {"cached_tokens": 4}, "completion_tokens_details": {"reasoning_tokens": 2}}}
                """)));

        assertThat(ChatResponseCodec.readResponse(Json.parse(ChatResponseCodec.writeResponse(response)))).isEqualTo(response);
        assertThat(response.usage()).isEqualTo(new Usage(10, 5, 15, 4, 2));
        assertThat(response.extra().path("service_tier").asText()).isEqualTo("default");

        ChatChunk chunk = new ChatChunk("chatcmpl-1", 1700000000, "gpt-4o", List.of(new ChunkChoice(0,
                new Delta("assistant", "Hel", List.of(new ToolCallDelta(0, "call_1", "f", "{")), null), null)),
                null, "fp_1");
        assertThat(ChatResponseCodec.readChunk(Json.parse(ChatResponseCodec.writeChunk(chunk)))).isEqualTo(chunk);
    }

    @Test
    @DisplayName("an embeddings request survives read → write → read")
    void embeddingsRoundTrip() {
        EmbeddingRequest read = EmbeddingCodec.readRequest(bytes("""
                {"model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "base64",
                 "dimensions": 64, "user": "u", "extra_field": 1}
                """));

        assertThat(EmbeddingCodec.readRequest(EmbeddingCodec.writeRequest(read))).isEqualTo(read);
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("the streamed read of a request body gives the same request as reading it as a tree")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 0}
            {"model": "m", "messages": [{"role": "user", "content": "x", "name": null, "tool_call_id": null, "x_extra": [1, {"a": 2}]}], "user": null}
            {"model": "m", "messages": [{"role": "assistant", "content": null, "tool_calls": null}, {"role": "assistant"}, {"content": "y", "role": "function", "name": "f"}]}
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:x"}}, {"type": "text", "text": "t"}]}]}
            {"model": "m", "messages": [{"role": "user", "content": "x", "e": 1, "e": 2, "f": 3}], "zz": 1, "aa": {"b": [true]}, "zz": 2}
            {"messages": [{"role": "user", "content": "x"}], "model": "m", "stream": false, "seed": 12345678901, "max_tokens": 5}
            {"model": "m", "prompt": {"id": "p"}, "messages": [{"role": "developer", "content": "d"}, {"role": "user", "content": "u"}]}
            {"model": "m", "messages": [{"role": "user", "content": "x", "k": 3000000000}], "temperature": 0.7, "top_p": 1, "n": 1, "stream": true, "logprobs": false, "big": 123456789012345678901234567890, "f": 1.5e3, "neg": -2, "s": "t"}
            """)
    void streamedReadMatchesTreeRead(String body) {
        assertThat(ChatRequestCodec.read(bytes(body))).isEqualTo(ChatRequestCodec.read(Json.parse(bytes(body))));
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("what the streamed read leaves to the tree read still gets the tree read's answer")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"model": "m", "messages": [{"role": "user", "content": "first"}], "messages": [{"role": "user", "content": "last"}]}    | last
            {"model": "m", "messages": [{"role": "user", "content": 5, "content": "last"}]}                                          | last
            {"model": "m", "messages": [{"role": "robot", "role": "user", "content": "last"}]}                                      | last
            """)
    void leftToTheTreeRead(String body, String text) {
        assertThat(ChatRequestCodec.read(bytes(body)).messages()).singleElement()
                .satisfies(m -> assertThat(m.text()).isEqualTo(text));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @DisplayName("each malformed field is a 400 invalid_request_error whose param is the field's path")
    @CsvSource(delimiter = '|', textBlock = """
            {"messages": [{"role": "user", "content": "x"}]}                                  | model                            | Missing required parameter
            {"model": 4, "messages": [{"role": "user", "content": "x"}]}                     | model                            | expected a string
            {"model": "m"}                                                                    | messages                         | Missing required parameter
            {"model": "m", "messages": []}                                                    | messages                         | at least one message
            {"model": "m", "messages": [{"role": "user", "content": "x"}, {"role": "robot", "content": "y"}]} | messages[1].role | Supported values are: assistant, developer, function, system, tool, user
            {"model": "m", "messages": [{"role": "user", "content": 5}]}                     | messages[0].content              | a string or an array of content parts
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": 1}]}]} | messages[0].content[0].text | expected a string
            {"model": "m", "messages": [{"role": "tool", "content": "4C"}]}                  | messages[0].tool_call_id         | Missing required parameter
            {"model": "m", "messages": [{"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "f"}}]}]} | messages[0].tool_calls[0].id | Missing required parameter
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 3} | temperature                      | 3.0 is outside [0.0, 2.0]
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "n": 1.5}         | n                                | expected an integer
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": ["a", "b", "c", "d", "e"]} | stop | up to 4 strings
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function"}]} | tools[0].function | Missing required parameter
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": "sometimes"} | tool_choice           | Supported values are: auto, none, required
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema"}} | response_format.json_schema | Missing required parameter
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "metadata": {"k": 1}} | metadata.k                    | expected a string
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "stream_options": {"include_usage": "yes"}} | stream_options.include_usage | expected a boolean
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logprobs": true, "top_logprobs": 21} | top_logprobs          | 21 is outside [0, 20]
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "top_logprobs": -1} | top_logprobs                  | -1 is outside [0, 20]
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "logprobs": "yes"} | logprobs                       | expected a boolean
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "presence_penalty": 2.5} | presence_penalty         | 2.5 is outside [-2.0, 2.0]
            {"model": "m", "messages": [{"role": "user", "content": "x"}], "frequency_penalty": "high"} | frequency_penalty    | expected a number
            """)
    void fieldErrors(String body, String param, String message) {
        SluiceException e = catchThrowableOfType(SluiceException.class, () -> ChatRequestCodec.read(bytes(body)));

        assertThat(e).as("no error for %s", body).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    @DisplayName("a body that is not JSON, or not an object, is a 400 saying so")
    void notJson() {
        SluiceException broken = catchThrowableOfType(SluiceException.class, () -> ChatRequestCodec.read(bytes("{\"model\":")));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.getMessage()).startsWith("The request body is not valid JSON");
        SluiceException array = catchThrowableOfType(SluiceException.class, () -> ChatRequestCodec.read(bytes("[1]")));
        assertThat(array.getMessage()).isEqualTo("The request body must be a JSON object.");
        SluiceException input = catchThrowableOfType(SluiceException.class,
                () -> EmbeddingCodec.readRequest(bytes("{\"model\": \"e\", \"input\": [\"a\", 1]}")));
        assertThat(input.param()).isEqualTo("input");
        for (String empty : new String[] {"\"\"", "[\"a\", \"\"]", "[[1], []]"}) {
            SluiceException e = catchThrowableOfType(SluiceException.class,
                    () -> EmbeddingCodec.readRequest(bytes("{\"model\": \"e\", \"input\": " + empty + "}")));
            assertThat(e).as("no error for input %s", empty).isNotNull();
            assertThat(e.param()).isEqualTo("input");
            assertThat(e.getMessage()).contains("not empty");
        }
    }

    @Test
    @DisplayName("errors are written in OpenAI's shape, and upstream errors are read in every dialect")
    void errors() {
        JsonNode written = Json.parse(ErrorCodec.write(SluiceException.missing("model")));
        assertThat(written.path("error").path("message").asText()).isEqualTo("Missing required parameter: 'model'.");
        assertThat(written.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(written.path("error").path("param").asText()).isEqualTo("model");
        assertThat(written.path("error").path("code").asText()).isEqualTo("missing_required_parameter");
        assertThat(Json.parse(ErrorCodec.write(SluiceException.unavailable("down"))).path("error").path("param").isNull())
                .isTrue();

        assertThat(ErrorCodec.upstreamMessage(bytes("{\"error\": {\"message\": \"openai says\", \"type\": \"x\"}}")))
                .isEqualTo("openai says");
        assertThat(ErrorCodec.upstreamMessage(bytes("{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\","
                + " \"message\": \"anthropic says\"}}"))).isEqualTo("anthropic says");
        assertThat(ErrorCodec.upstreamMessage(bytes("{\"error\": {\"code\": 429, \"message\": \"gemini says\","
                + " \"status\": \"RESOURCE_EXHAUSTED\"}}"))).isEqualTo("gemini says");
        assertThat(ErrorCodec.upstreamMessage(bytes("{\"error\": \"plain field\"}"))).isEqualTo("plain field");
        assertThat(ErrorCodec.upstreamMessage(bytes("x".repeat(600)))).hasSize(503).endsWith("...");
    }

    @ParameterizedTest
    @DisplayName("a stream chunk read straight from the parser equals the chunk read from a tree, whatever the upstream put in it")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":17,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"obfuscation\":\"x1\"}",
            "{\"choices\":[{\"delta\":{\"content\":\"caf\u00e9 \\\"q\\\" \\u65e5\"},\"index\":1}],\"id\":\"c1\",\"system_fingerprint\":\"fp\",\"usage\":null}",
            "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}},{\"function\":{\"arguments\":\"{\\\"a\\\"\"}}]}}]}",
            "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"no\"},\"finish_reason\":\"stop\",\"content_filter_results\":{\"hate\":{\"filtered\":false}}}]}",
            "{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":3,\"total_tokens\":11,\"prompt_tokens_details\":{\"cached_tokens\":2},\"completion_tokens_details\":{\"reasoning_tokens\":1}}}",
            "{\"id\":7,\"created\":\"12\",\"model\":null,\"choices\":[{\"index\":\"2\",\"delta\":{\"content\":5,\"role\":{\"x\":1}},\"finish_reason\":null}],\"extra\":[1,{\"a\":[2]}]}",
            "{\"id\":\"c1\",\"choices\":[7,{\"delta\":[]}],\"usage\":{\"prompt_tokens\":4}}"})
    void chunkFromParserEqualsChunkFromTree(String json) throws Exception {
        ChatChunk fromTree = ChatResponseCodec.readChunk(Json.parseUpstream(bytes(json)));
        try (var parser = Json.FACTORY.createParser(bytes(json))) {
            assertThat(ChatResponseCodec.readChunk(parser)).isEqualTo(fromTree);
        }
    }

    @Test
    @DisplayName("a stream event with a top-level error is left to the error path (null), not read as a chunk")
    void chunkWithErrorIsNotAChunk() throws Exception {
        try (var parser = Json.FACTORY.createParser(bytes("{\"id\":\"c1\",\"error\":{\"message\":\"overloaded\",\"code\":503}}"))) {
            assertThat(ChatResponseCodec.readChunk(parser)).isNull();
        }
    }
}
