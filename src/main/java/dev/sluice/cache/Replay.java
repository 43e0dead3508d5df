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
            List<JsonNode> tokens = text == null ? null : tokensSpelling(c.logprobs(), text);
            if (tokens != null) {
                // the answer came with log probabilities: a chunk a token, as the model streamed it, each with its own
                for (JsonNode token : tokens) {
                    ObjectNode logprobs = Json.object();
                    logprobs.putArray("content").add(token);
                    logprobs.putNull("refusal");
                    out.add(chunk(r, c.index(), Delta.text(token.path("token").asText()), null, logprobs));
                }
            } else if (text != null) {
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

    /**
     * The entries of {@code logprobs.content} when their tokens spell out {@code text} exactly, else null (no log
     * probabilities, or tokens that do not add up to the text: replayed in word pieces without them).
     */
    private static List<JsonNode> tokensSpelling(JsonNode logprobs, String text) {
        if (logprobs == null || !logprobs.path("content").isArray() || logprobs.path("content").isEmpty()) {
            return null;
        }
        List<JsonNode> tokens = new ArrayList<>(logprobs.path("content").size());
        int at = 0;
        for (JsonNode token : logprobs.path("content")) {
            String t = token.path("token").asText(null);
            if (t == null || !text.startsWith(t, at)) {
                return null;
            }
            at += t.length();
            tokens.add(token);
        }
        return at == text.length() ? tokens : null;
    }

    private static ChatChunk chunk(ChatResponse r, int index, Delta delta, String finishReason) {
        return chunk(r, index, delta, finishReason, null);
    }

    private static ChatChunk chunk(ChatResponse r, int index, Delta delta, String finishReason, JsonNode logprobs) {
        return new ChatChunk(r.id(), r.created(), r.model(), List.of(new ChunkChoice(index, delta, finishReason, logprobs)),
                null, r.systemFingerprint());
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
}
