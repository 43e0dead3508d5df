package dev.sluice.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Delta;
import dev.sluice.api.Json;
import dev.sluice.api.ToolCall;
import dev.sluice.api.ToolCallDelta;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * Converts between the two shapes of an answer, so one cached entry serves streaming and
 * non-streaming clients alike: a stream's chunks are assembled into a {@link ChatResponse} to
 * store, and a stored response is replayed as chunks shaped like a model's stream (a first chunk
 * with the role, content in word-sized deltas, tool calls as an id-and-name delta followed by
 * argument deltas, a chunk with the finish reason, then the usage chunk).
 */
final class Replay {
    private static final int ARGUMENT_PIECE = 32;

    private Replay() {}

    /** The answer as a stream of chunks. */
    static ChunkStream stream(ChatResponse r) {
        List<ChatChunk> chunks = chunks(r);
        Iterator<ChatChunk> it = chunks.iterator();
        return new ChunkStream() {
            @Override
            public ChatChunk next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public void close() {
                // nothing to release: the chunks are in memory
            }
        };
    }

    static List<ChatChunk> chunks(ChatResponse r) {
        List<ChatChunk> out = new ArrayList<>();
        for (Choice c : r.choices()) {
            ChatMessage m = c.message();
            String text = m.content() != null && !m.content().isNull() ? m.text() : null;
            String role = m.role() == null ? "assistant" : m.role();
            out.add(chunk(r, c.index(), new Delta(role, text == null && !m.toolCalls().isEmpty() ? null : "", List.of(), null), null));
            if (text != null) {
                for (String piece : words(text)) {
                    out.add(chunk(r, c.index(), Delta.text(piece), null));
                }
            }
            JsonNode refusal = m.extra() == null ? null : m.extra().get("refusal");
            if (refusal != null && refusal.isTextual()) {
                out.add(chunk(r, c.index(), new Delta(null, null, List.of(), refusal.asText()), null));
            }
            for (int i = 0; i < m.toolCalls().size(); i++) {
                ToolCall call = m.toolCalls().get(i);
                out.add(chunk(r, c.index(), new Delta(null, null, List.of(new ToolCallDelta(i, call.id(), call.name(), "")), null), null));
                String args = call.arguments() == null ? "" : call.arguments();
                for (int at = 0; at < args.length(); at += ARGUMENT_PIECE) {
                    String piece = args.substring(at, Math.min(args.length(), at + ARGUMENT_PIECE));
                    out.add(chunk(r, c.index(), new Delta(null, null, List.of(new ToolCallDelta(i, null, null, piece)), null), null));
                }
            }
            out.add(chunk(r, c.index(), new Delta(null, null, List.of(), null), c.finishReason()));
        }
        if (r.usage() != null) {
            out.add(new ChatChunk(r.id(), r.created(), r.model(), List.of(), r.usage(), r.systemFingerprint()));
        }
        return out;
    }

    private static ChatChunk chunk(ChatResponse r, int index, Delta delta, String finishReason) {
        return new ChatChunk(r.id(), r.created(), r.model(), List.of(new ChunkChoice(index, delta, finishReason)), null,
                r.systemFingerprint());
    }

    /** Splits text into pieces that each start at a word, keeping the whitespace before it: "a b" → "a", " b". */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** Gathers a stream's chunks into the response they add up to. */
    static final class Assembler {
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
        }

        void add(ChatChunk chunk) {
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
                if (c.finishReason() != null) {
                    p.finishReason = c.finishReason();
                }
            }
        }

        /** The whole answer, or null when some choice never finished (a cut-off stream is never cached). */
        ChatResponse response() {
            if (id == null || choices.isEmpty()) {
                return null;
            }
            List<Choice> out = new ArrayList<>(choices.size());
            for (var e : choices.entrySet()) {
                ChoiceParts p = e.getValue();
                if (p.finishReason == null) {
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
                out.add(new Choice(e.getKey(), new ChatMessage(p.role == null ? "assistant" : p.role, content, null, calls,
                        null, extra), p.finishReason, null));
            }
            return new ChatResponse(id, created, model, out, usage, fingerprint, null);
        }
    }
}
