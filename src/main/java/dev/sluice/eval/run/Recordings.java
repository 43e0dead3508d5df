package dev.sluice.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.eval.score.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Record and replay of model answers for deterministic CI: {@code --record DIR} keeps every answer
 * (the judge's too) in {@code DIR/<sha-256 of the request>.json}; {@code --replay DIR} answers from
 * there without calling any model, and stops the run on a request that was not recorded.
 */
public final class Recordings {
    private Recordings() {}

    /** A request that {@code --replay} has no answer for: the run stops (exit 1), it is not a test failure. */
    public static final class NotRecorded extends RuntimeException {
        NotRecorded(String message) {
            super(message, null, false, false);
        }
    }

    public static ModelCaller recording(ModelCaller inner, Path dir) {
        return (request, requestId) -> {
            Answer answer = inner.call(request, requestId);
            if (!answer.failed()) {
                write(file(dir, request), request, answer);
            }
            return answer;
        };
    }

    public static ModelCaller replaying(Path dir) {
        return (request, requestId) -> {
            Path file = file(dir, request);
            if (!Files.isRegularFile(file)) {
                throw new NotRecorded("no recorded answer for a request to " + request.path("model").asText()
                        + " (" + file.getFileName() + " is not in " + dir + "): the suite or its prompts changed since "
                        + "the recording; record again with --record " + dir);
            }
            try {
                JsonNode a = Json.MAPPER.readTree(file.toFile()).path("answer");
                return new Answer(a.path("text").asText(), a.has("tool_calls") ? a.get("tool_calls") : null,
                        a.path("latency_ms").asLong(), a.has("cost_usd") ? a.path("cost_usd").asDouble() : null,
                        a.path("prompt_tokens").asInt(), a.path("completion_tokens").asInt(), a.path("model").asText(),
                        requestId, null, a.path("served_prompt").isTextual() ? a.path("served_prompt").asText() : null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static void write(Path file, ObjectNode request, Answer answer) {
        ObjectNode root = Json.object();
        root.set("request", request);
        ObjectNode a = root.putObject("answer");
        a.put("text", answer.text());
        if (answer.toolCalls() != null) {
            a.set("tool_calls", answer.toolCalls());
        }
        a.put("latency_ms", answer.latencyMs());
        if (answer.costUsd() != null) {
            a.put("cost_usd", answer.costUsd());
        }
        a.put("prompt_tokens", answer.promptTokens());
        a.put("completion_tokens", answer.completionTokens());
        a.put("model", answer.model());
        if (answer.servedPrompt() != null) {
            a.put("served_prompt", answer.servedPrompt());
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request's file: the hash of its JSON (model, messages, parameters), the same on every machine. */
    static Path file(Path dir, ObjectNode request) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Json.bytes(request));
            return dir.resolve(HexFormat.of().formatHex(hash, 0, 16) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
