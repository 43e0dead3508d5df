package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The upstream's chat answer streamed into the records ({@link ChatResponseCodec#readResponse(JsonParser)}) reads
 * exactly what the tree reader reads from the same bytes: recorded answers, odd but valid answers, and random ones.
 */
class ChatResponseStreamedReadTest {

    private static ChatResponse tree(String json) throws Exception {
        JsonNode root = Json.MAPPER.readTree(json);
        return root != null && root.isObject() ? ChatResponseCodec.readResponse(root) : null;
    }

    private static ChatResponse streamed(String json) throws Exception {
        try (JsonParser p = Json.parser(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))) {
            return ChatResponseCodec.readResponse(p);
        }
    }

    private static void same(String json) throws Exception {
        assertThat(streamed(json)).as(json).isEqualTo(tree(json));
    }

    @Test
    @DisplayName("a plain answer, a tool call, refusal, logprobs, usage details and unknown fields read as the tree reader reads them")
    void usualAnswers() throws Exception {
        same("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1796586307,"model":"gpt-4o-mini","choices":[{"index":0,\
                "message":{"role":"assistant","content":"Hello there.","refusal":null},"logprobs":null,"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":8,"completion_tokens":36,"total_tokens":44},"system_fingerprint":"fp_sluice_sim"}""");
        same("""
                {"id":"c2","object":"chat.completion","created":1,"model":"m","service_tier":"default","choices":[{"index":0,\
                "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":\
                {"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}],"annotations":[]},\
                "logprobs":{"content":[{"token":"a","logprob":-0.1}]},"finish_reason":"tool_calls",\
                "content_filter_results":{"hate":{"filtered":false}}}],"usage":{"prompt_tokens":5,"completion_tokens":7,\
                "total_tokens":12,"prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":2}},\
                "prompt_filter_results":[{"prompt_index":0}]}""");
        same("""
                {"id":"c3","choices":[{"message":{"content":[{"type":"text","text":"a"}],"name":"bob","tool_call_id":"x"}},\
                {"index":1,"message":{"role":"assistant","content":"b"},"finish_reason":"length"}]}""");
    }

    @Test
    @DisplayName("missing, null, repeated and wrongly typed fields read as the tree reader reads them")
    void oddAnswers() throws Exception {
        for (String json : List.of("{}", "{\"choices\":null}", "{\"choices\":{}}", "{\"choices\":{\"a\":{\"index\":3}}}",
                "{\"choices\":\"x\"}", "{\"choices\":[1,null,\"s\",[],{}]}", "{\"id\":null,\"model\":null,\"created\":null}",
                "{\"id\":5,\"model\":true,\"created\":\"12\",\"system_fingerprint\":1.5}",
                "{\"id\":{\"a\":1},\"model\":[1],\"created\":1.9e3,\"system_fingerprint\":{}}",
                "{\"created\":99999999999999999999999,\"choices\":[{\"index\":4294967297}]}",
                "{\"choices\":[{\"index\":\"7\",\"message\":null}]}", "{\"choices\":[{\"index\":2.5,\"message\":\"hi\"}]}",
                "{\"choices\":[{\"message\":{\"role\":null,\"content\":5,\"name\":null,\"tool_calls\":null}}]}",
                "{\"choices\":[{\"message\":{\"role\":{},\"content\":{\"a\":1},\"tool_calls\":{\"a\":1}}}]}",
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"a\",\"content\":null,\"x\":1,\"x\":2,\"y\":3}}]}",
                "{\"choices\":[],\"choices\":[{\"index\":1}],\"usage\":null,\"usage\":{\"prompt_tokens\":\"3\"},\"z\":1,\"w\":2,\"z\":3}",
                "{\"usage\":[1,2],\"object\":{\"deep\":[1,{\"x\":null}]}}",
                "{\"choices\":[{\"logprobs\":null,\"logprobs\":{\"a\":1},\"finish_reason\":7,\"finish_reason\":null}]}",
                "{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":1,\"function\":{\"name\":null,\"arguments\":{\"a\":1}}},7]}}]}",
                "{\"usage\":{\"total_tokens\":null,\"prompt_tokens\":2,\"completion_tokens\":3}}",
                "{\"usage\":{\"total_tokens\":\"x\",\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":{}}}",
                "{\"usage\":{\"total_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":2,\"audio_tokens\":0},"
                        + "\"prompt_tokens_details\":[1],\"completion_tokens_details\":{\"reasoning_tokens\":\"4\"}}}",
                "[]", "\"x\"", "null")) {
            same(json);
        }
    }

    @Test
    @DisplayName("10,000 random answers (every field of every JSON type, repeated and unknown fields) read the same both ways")
    void randomAnswers() throws Exception {
        Random random = new Random(15);
        for (int i = 0; i < 10_000; i++) {
            same(object(random, 0, List.of("id", "object", "created", "model", "choices", "usage", "system_fingerprint",
                    "service_tier", "x")));
        }
    }

    private static final List<String> CHOICE = List.of("index", "message", "finish_reason", "logprobs", "extra");
    private static final List<String> MESSAGE = List.of("role", "content", "name", "tool_calls", "tool_call_id",
            "refusal", "audio");

    private static String object(Random r, int depth, List<String> fields) {
        StringBuilder sb = new StringBuilder("{");
        int n = r.nextInt(fields.size() + 2);
        for (int i = 0; i < n; i++) {
            String f = fields.get(r.nextInt(fields.size()));
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(f).append("\":").append(value(r, depth + 1, f));
        }
        return sb.append('}').toString();
    }

    private static String value(Random r, int depth, String field) {
        if (depth < 4 && r.nextInt(3) > 0) {
            switch (field) {
                case "choices" -> {
                    StringBuilder sb = new StringBuilder("[");
                    for (int i = r.nextInt(3); i > 0; i--) {
                        sb.append(r.nextInt(6) == 0 ? scalar(r) : object(r, depth, CHOICE)).append(i > 1 ? "," : "");
                    }
                    return sb.append(']').toString();
                }
                case "message" -> {
                    return object(r, depth, MESSAGE);
                }
                case "usage" -> {
                    return object(r, depth, List.of("prompt_tokens", "completion_tokens", "total_tokens",
                            "prompt_tokens_details", "completion_tokens_details", "cost"));
                }
                case "prompt_tokens_details", "completion_tokens_details" -> {
                    return object(r, depth, List.of("cached_tokens", "reasoning_tokens", "audio_tokens"));
                }
                default -> { }
            }
        }
        return switch (r.nextInt(depth < 4 ? 9 : 7)) {
            case 7 -> object(r, depth, List.of("a", "content", "type", "text"));
            case 8 -> "[" + scalar(r) + "," + value(r, depth + 1, "a") + "]";
            default -> scalar(r);
        };
    }

    private static String scalar(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "false";
            case 3 -> Integer.toString(r.nextInt(2000) - 1000);
            case 4 -> Long.toString(r.nextLong());
            case 5 -> "1" + "0".repeat(20 + r.nextInt(5));
            case 6 -> Double.toString(r.nextDouble() * 100);
            case 7 -> "\"" + r.nextInt(100) + "\"";
            case 8 -> "\"\\u00e9t\\u00e9 \\\"q\\\"\"";
            default -> "\"text " + r.nextInt(100) + "\"";
        };
    }
}
