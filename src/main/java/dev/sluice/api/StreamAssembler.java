package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Gathers a stream's chunks into the response they add up to (the cache stores it, body capture
 * logs it). Not thread-safe: fed by the one thread reading the stream.
 */
public final class StreamAssembler {
    private String id;
    private long created;
    private String model;
    private String fingerprint;
    private Usage usage;
    private final TreeMap<Integer, ChoiceParts> choices = new TreeMap<>();

    private static final class ChoiceParts {
        String role;
        StringBuilder content;
        StringBuilder refusal;
        final TreeMap<Integer, String[]> calls = new TreeMap<>(); // id, name, arguments
        String finishReason;
        /** The chunks' {@code logprobs.content} entries in order, or null when no chunk carried any. */
        ArrayNode logprobs;
    }

    public void add(ChatChunk chunk) {
        if (id == null) {
            id = chunk.id();
            created = chunk.created();
            model = chunk.model();
        }
        if (chunk.systemFingerprint() != null) {
            fingerprint = chunk.systemFingerprint();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        for (ChunkChoice c : chunk.choices()) {
            ChoiceParts p = choices.computeIfAbsent(c.index(), i -> new ChoiceParts());
            Delta d = c.delta();
            if (d.role() != null) {
                p.role = d.role();
            }
            if (d.content() != null) {
                (p.content == null ? p.content = new StringBuilder() : p.content).append(d.content());
            }
            if (d.refusal() != null) {
                (p.refusal == null ? p.refusal = new StringBuilder() : p.refusal).append(d.refusal());
            }
            for (ToolCallDelta t : d.toolCalls()) {
                String[] call = p.calls.computeIfAbsent(t.index(), i -> new String[] {null, null, ""});
                if (t.id() != null) {
                    call[0] = t.id();
                }
                if (t.name() != null) {
                    call[1] = t.name();
                }
                if (t.arguments() != null) {
                    call[2] += t.arguments();
                }
            }
            if (c.logprobs() != null && c.logprobs().path("content").isArray()) {
                if (p.logprobs == null) {
                    p.logprobs = Json.MAPPER.createArrayNode();
                }
                p.logprobs.addAll((ArrayNode) c.logprobs().get("content"));
            }
            if (c.finishReason() != null) {
                p.finishReason = c.finishReason();
            }
        }
    }

    /** The whole answer, or null when some choice never finished (a cut-off stream is never cached). */
    public ChatResponse response() {
        return build(true);
    }

    /** What arrived so far, finished or not (null before the first chunk): for logs of cut-off streams. */
    public ChatResponse soFar() {
        return build(false);
    }

    private ChatResponse build(boolean finishedOnly) {
        if (id == null || choices.isEmpty()) {
            return null;
        }
        List<Choice> out = new ArrayList<>(choices.size());
        for (var e : choices.entrySet()) {
            ChoiceParts p = e.getValue();
            if (finishedOnly && p.finishReason == null) {
                return null;
            }
            List<ToolCall> calls = new ArrayList<>();
            for (String[] c : p.calls.values()) {
                calls.add(new ToolCall(c[0], c[1], c[2]));
            }
            ObjectNode extra = null;
            if (p.refusal != null) {
                extra = Json.object().put("refusal", p.refusal.toString());
            }
            JsonNode content = p.content == null ? null : TextNode.valueOf(p.content.toString());
            ObjectNode logprobs = null;
            if (p.logprobs != null) {
                logprobs = Json.object();
                logprobs.set("content", p.logprobs);
                logprobs.putNull("refusal");
            }
            out.add(new Choice(e.getKey(), new ChatMessage(p.role == null ? "assistant" : p.role, content, null, calls,
                    null, extra), p.finishReason, logprobs));
        }
        return new ChatResponse(id, created, model, out, usage, fingerprint, null);
    }
}
