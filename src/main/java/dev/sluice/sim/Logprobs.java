package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OpenAI's {@code logprobs} for a simulated answer, when the request asks for them ({@code logprobs: true}, and
 * {@code top_logprobs}: 0 to 20 alternatives a token): one entry a piece the answer is sent in, each piece being one
 * token. The figures are made up but stable: a piece's log probability follows from its text, so the same answer
 * carries the same figures, and the alternatives are less likely than the token chosen.
 */
final class Logprobs {
    /** What the alternatives are: common tokens, as a real model's top alternatives mostly are. */
    private static final List<String> ALTERNATIVES = List.of(" the", " a", " and", ",", ".", " of", " to", " in", " is",
            " it", " that", " for", " on", " with", " as", " was", " be", " at", " by", " this");
    static final int MAX_TOP = 20;

    private Logprobs() {}

    /** How many alternatives a token the request asks for, or -1 when it asks for no log probabilities. */
    static int requested(ChatRequest request) {
        JsonNode extra = request.extra();
        if (extra == null || !extra.path("logprobs").asBoolean(false)) {
            return -1;
        }
        return Math.clamp(extra.path("top_logprobs").asInt(0), 0, MAX_TOP);
    }

    /** The {@code logprobs} object of these pieces, or null when {@code top} is -1 (not asked for). */
    static ObjectNode of(List<String> pieces, int top) {
        if (top < 0) {
            return null;
        }
        ObjectNode out = Json.object();
        ArrayNode content = out.putArray("content");
        for (String piece : pieces) {
            double logprob = logprob(piece);
            ObjectNode token = entry(content.addObject(), piece, logprob);
            ArrayNode alternatives = token.putArray("top_logprobs");
            if (top > 0) {
                entry(alternatives.addObject(), piece, logprob);
                for (int k = 0, added = 1; added < top && k < ALTERNATIVES.size(); k++) {
                    if (!ALTERNATIVES.get(k).equals(piece)) {
                        entry(alternatives.addObject(), ALTERNATIVES.get(k), logprob - 0.75 * added++);
                    }
                }
            }
        }
        out.putNull("refusal");
        return out;
    }

    /** Between -0.01 and -2.5, from the piece's text. */
    private static double logprob(String piece) {
        return -0.01 - Math.floorMod(piece.hashCode(), 1000) / 1000.0 * 2.49;
    }

    private static ObjectNode entry(ObjectNode node, String token, double logprob) {
        node.put("token", token).put("logprob", Math.round(logprob * 1e6) / 1e6);
        ArrayNode bytes = node.putArray("bytes");
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return node;
    }
}
