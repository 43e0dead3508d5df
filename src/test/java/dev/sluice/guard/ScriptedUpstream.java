package dev.sluice.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible upstream that answers exactly what the test scripts, so output guardrails
 * can be tested on known text and known chunk boundaries. The script travels in the request header
 * {@code x-fake-script} (forwarded by the gateway): base64 of a JSON array of answers, each an array
 * of chunks; the n-th answer is used when the conversation holds n assistant messages (a re-ask
 * adds one). Whole answers join the chunks; {@code {{system}}} in a chunk becomes the system message
 * it received (to test leakage).
 */
final class ScriptedUpstream implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    /** What the upstream answers to the LLM-judge guardrail's requests (recognised by its instructions). */
    volatile String judgeAnswer = "{\"score\": 0.0, \"reason\": \"fine\"}";

    private ScriptedUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static ScriptedUpstream start() {
        return new ScriptedUpstream();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    List<JsonNode> received() {
        return List.copyOf(received);
    }

    /** The header value for answers given as chunk lists. */
    @SafeVarargs
    static String script(List<String>... answers) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (List<String> a : answers) {
            ArrayNode chunks = all.addArray();
            a.forEach(chunks::add);
        }
        return Base64.getEncoder().encodeToString(Json.bytes(all));
    }

    /** The header value for whole answers (each one chunk). */
    static String answers(String... texts) {
        List<List<String>> list = new ArrayList<>();
        for (String t : texts) {
            list.add(List.of(t));
        }
        @SuppressWarnings("unchecked")
        List<String>[] array = list.toArray(new List[0]);
        return script(array);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = Json.parse(exchange.getRequestBody().readAllBytes());
            received.add(body);
            String header = exchange.getRequestHeaders().getFirst("x-fake-script");
            JsonNode script = header == null ? Json.MAPPER.createArrayNode().add(Json.MAPPER.createArrayNode().add("ok"))
                    : Json.parse(Base64.getDecoder().decode(header));
            int assistants = 0;
            for (JsonNode m : body.path("messages")) {
                if (m.path("role").asText().equals("assistant")) {
                    assistants++;
                }
            }
            String system = "";
            for (JsonNode m : body.path("messages")) {
                if (m.path("role").asText().equals("system")) {
                    system = m.path("content").asText();
                    break;
                }
            }
            JsonNode chunks = script.get(Math.min(assistants, script.size() - 1));
            if (system.startsWith("You are a strict content reviewer")) {
                chunks = Json.MAPPER.createArrayNode().add(judgeAnswer);
            }
            ArrayNode replaced = Json.MAPPER.createArrayNode();
            for (JsonNode c : chunks) {
                replaced.add(c.asText().replace("{{system}}", system));
            }
            chunks = replaced;
            boolean logprobs = body.path("logprobs").asBoolean();
            if (body.path("stream").asBoolean()) {
                stream(exchange, chunks, body.path("stream_options").path("include_usage").asBoolean(), logprobs);
            } else {
                StringBuilder text = new StringBuilder();
                chunks.forEach(c -> text.append(c.asText()));
                ObjectNode response = Json.object().put("id", "chatcmpl-fake").put("object", "chat.completion")
                        .put("created", 1).put("model", "fake-model");
                ObjectNode choice = response.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
                choice.putObject("message").put("role", "assistant").put("content", text.toString());
                if (logprobs) {
                    choice.set("logprobs", logprobs(chunks));
                }
                response.putObject("usage").put("prompt_tokens", 5).put("completion_tokens", 7).put("total_tokens", 12);
                byte[] bytes = Json.bytes(response);
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    /** OpenAI's {@code logprobs} object for these pieces, one token each (as the model wrote them). */
    private static ObjectNode logprobs(JsonNode pieces) {
        ObjectNode lp = Json.object();
        ArrayNode content = lp.putArray("content");
        for (JsonNode piece : pieces) {
            ObjectNode token = content.addObject().put("token", piece.asText()).put("logprob", -0.25);
            ArrayNode bytes = token.putArray("bytes");
            for (byte b : piece.asText().getBytes(StandardCharsets.UTF_8)) {
                bytes.add(b & 0xff);
            }
            token.putArray("top_logprobs");
        }
        lp.putNull("refusal");
        return lp;
    }

    private static void stream(HttpExchange exchange, JsonNode chunks, boolean usage, boolean logprobs)
            throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(out, chunk(Json.object().put("role", "assistant").put("content", ""), null, null));
        for (JsonNode c : chunks) {
            event(out, chunk(Json.object().put("content", c.asText()), null,
                    logprobs ? logprobs(Json.MAPPER.createArrayNode().add(c)) : null));
        }
        event(out, chunk(Json.object(), "stop", null));
        if (usage) {
            ObjectNode u = Json.object().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk").put("created", 1)
                    .put("model", "fake-model");
            u.putArray("choices");
            u.putObject("usage").put("prompt_tokens", 5).put("completion_tokens", chunks.size()).put("total_tokens", 5 + chunks.size());
            event(out, Json.MAPPER.writeValueAsString(u));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String chunk(ObjectNode delta, String finish, ObjectNode logprobs) throws IOException {
        ObjectNode c = Json.object().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk").put("created", 1)
                .put("model", "fake-model");
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (logprobs != null) {
            choice.set("logprobs", logprobs);
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return Json.MAPPER.writeValueAsString(c);
    }

    private static void event(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
