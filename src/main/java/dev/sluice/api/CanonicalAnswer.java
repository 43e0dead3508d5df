package dev.sluice.api;

import java.util.Map;

/**
 * Whether an upstream's chat completion, as bytes, is exactly what Sluice writes for the answer read from
 * them ({@link ChatResponseCodec#writeResponse}): then the bytes can go to the client as they came, with no
 * second JSON generation, and the client gets the same bytes either way. The check walks the bytes along
 * what the writer would write for {@code response} (field order, no whitespace, Jackson's escapes — a character
 * outside the BMP as its two surrogates' escapes —, numbers
 * as {@code Long.toString} writes them) and gives up at the first difference; answers with anything it does
 * not follow (log probabilities, unknown fields other than a message's {@code refusal}) are written as before.
 * OpenAI-format servers that write compact JSON in OpenAI's field order (the simulator, vLLM, and others)
 * match; pretty-printed or re-ordered answers are written again, as they always were.
 */
public final class CanonicalAnswer {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] b;
    private int i;

    private CanonicalAnswer(byte[] b) {
        this.b = b;
    }

    /**
     * The length of {@code wire}'s answer when it is byte for byte what {@link ChatResponseCodec#writeResponse}
     * writes for {@code response} (only whitespace may follow it), else -1.
     */
    public static int length(byte[] wire, ChatResponse response) {
        CanonicalAnswer m = new CanonicalAnswer(wire);
        if (!m.response(response)) {
            return -1;
        }
        for (int k = m.i; k < wire.length; k++) {
            byte c = wire[k];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return -1;
            }
        }
        return m.i;
    }

    private boolean response(ChatResponse r) {
        if (r.extra() != null && !r.extra().isEmpty()) {
            return false;
        }
        if (!(lit("{\"id\":") && str(r.id()) && lit(",\"object\":\"chat.completion\",\"created\":") && num(r.created())
                && lit(",\"model\":") && str(r.model()) && lit(",\"choices\":["))) {
            return false;
        }
        boolean first = true;
        for (Choice c : r.choices()) {
            if (!(first || lit(",")) || !choice(c)) {
                return false;
            }
            first = false;
        }
        if (!lit("]")) {
            return false;
        }
        Usage u = r.usage();
        if (u != null && !(lit(",\"usage\":{\"prompt_tokens\":") && num(u.promptTokens())
                && lit(",\"completion_tokens\":") && num(u.completionTokens())
                && lit(",\"total_tokens\":") && num(u.totalTokens())
                && (u.cachedTokens() <= 0 || lit(",\"prompt_tokens_details\":{\"cached_tokens\":") && num(u.cachedTokens()) && lit("}"))
                && (u.reasoningTokens() <= 0 || lit(",\"completion_tokens_details\":{\"reasoning_tokens\":") && num(u.reasoningTokens()) && lit("}"))
                && lit("}"))) {
            return false;
        }
        if (r.systemFingerprint() != null && !(lit(",\"system_fingerprint\":") && str(r.systemFingerprint()))) {
            return false;
        }
        return lit("}");
    }

    private boolean choice(Choice c) {
        if (c.logprobs() != null) {
            return false;
        }
        return lit("{\"index\":") && num(c.index()) && lit(",\"message\":") && message(c.message())
                && lit(",\"logprobs\":null,\"finish_reason\":") && nullable(c.finishReason()) && lit("}");
    }

    /** {@code MessageCodec.write(gen, m, true)}. */
    private boolean message(ChatMessage m) {
        if (!(lit("{\"role\":") && str(m.role()) && lit(",\"content\":"))) {
            return false;
        }
        if (m.content() == null) {
            if (!lit("null")) {
                return false;
            }
        } else if (!m.content().isTextual() || !str(m.content().textValue())) {
            return false;
        }
        if (m.name() != null && !(lit(",\"name\":") && str(m.name()))) {
            return false;
        }
        if (!m.toolCalls().isEmpty()) {
            if (!lit(",\"tool_calls\":[")) {
                return false;
            }
            boolean first = true;
            for (ToolCall call : m.toolCalls()) {
                if (!((first || lit(",")) && lit("{\"id\":") && nullable(call.id())
                        && lit(",\"type\":\"function\",\"function\":{\"name\":") && nullable(call.name())
                        && lit(",\"arguments\":") && nullable(call.arguments()) && lit("}}"))) {
                    return false;
                }
                first = false;
            }
            if (!lit("]")) {
                return false;
            }
        }
        if (m.toolCallId() != null && !(lit(",\"tool_call_id\":") && str(m.toolCallId()))) {
            return false;
        }
        var extra = m.extra();
        if (extra == null || extra.isEmpty()) {
            return lit(",\"refusal\":null}");
        }
        if (extra.size() != 1 || !extra.has("refusal")) {
            return false;
        }
        // the writer writes an upstream's refusal where the extras go: after the known fields
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : extra.properties()) {
            var v = e.getValue();
            if (!(lit(",\"refusal\":") && (v.isNull() ? lit("null") : v.isTextual() && str(v.textValue())))) {
                return false;
            }
        }
        return lit("}");
    }

    private boolean nullable(String s) {
        return s == null ? lit("null") : str(s);
    }

    /** An ASCII literal. */
    private boolean lit(String ascii) {
        int n = ascii.length();
        if (i + n > b.length) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != ascii.charAt(k)) {
                return false;
            }
        }
        i += n;
        return true;
    }

    private boolean num(long v) {
        if (v >= 0 && v < 10) {
            if (i < b.length && b[i] == '0' + v) {
                i++;
                return true;
            }
            return false;
        }
        return lit(Long.toString(v));
    }

    /** Bytes 0x20..0x7f but '"' and '\\' (a byte of a multi-byte UTF-8 sequence is negative: below 0x20 too). */
    private boolean plainAscii(int from, int to) {
        for (int k = from; k < to; k++) {
            byte c = b[k];
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** {@code \\uXXXX} of {@code c} at {@code j}, upper-case hex as the generator writes it. */
    private boolean escaped(int j, char c) {
        return j + 6 <= b.length && b[j] == '\\' && b[j + 1] == 'u' && b[j + 2] == HEX[c >> 12]
                && b[j + 3] == HEX[(c >> 8) & 15] && b[j + 4] == HEX[(c >> 4) & 15] && b[j + 5] == HEX[c & 15];
    }

    /** A string as Jackson's UTF-8 generator writes it: quoted, control characters, '"' and '\' escaped, UTF-8. */
    private boolean str(String s) {
        if (i >= b.length || b[i] != '"') {
            return false;
        }
        int j = i + 1;
        int n = s.length();
        // the common case, printable ASCII with nothing to escape, which the generator writes as it is: a span of
        // the string's length holding only such bytes is its spelling. (The walk is at the very token the reader
        // took the string from: it matches every field name in the writer's order, so no field is repeated, and
        // the reader keeps these strings as the parser decoded them.)
        int close = j + n;
        if (close < b.length && b[close] == '"' && plainAscii(j, close)) {
            i = close + 1;
            return true;
        }
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    if (j >= b.length || b[j] != c) {
                        return false;
                    }
                    j++;
                    continue;
                }
                char esc = switch (c) {
                    case '"' -> '"';
                    case '\\' -> '\\';
                    case '\b' -> 'b';
                    case '\t' -> 't';
                    case '\f' -> 'f';
                    case '\n' -> 'n';
                    case '\r' -> 'r';
                    default -> 0;
                };
                if (esc != 0) {
                    if (j + 2 > b.length || b[j] != '\\' || b[j + 1] != esc) {
                        return false;
                    }
                    j += 2;
                } else {
                    if (!escaped(j, c)) {
                        return false;
                    }
                    j += 6;
                }
            } else if (c < 0x800) {
                if (j + 2 > b.length || b[j] != (byte) (0xc0 | (c >> 6)) || b[j + 1] != (byte) (0x80 | (c & 0x3f))) {
                    return false;
                }
                j += 2;
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || k + 1 >= n || !Character.isLowSurrogate(s.charAt(k + 1))) {
                    return false; // a lone surrogate: whatever the generator does with it, it is written again
                }
                // Jackson's generator writes a pair as two escapes, not as the 4-byte UTF-8 of its code point
                if (!escaped(j, c) || !escaped(j + 6, s.charAt(++k))) {
                    return false;
                }
                j += 12;
            } else {
                if (j + 3 > b.length || b[j] != (byte) (0xe0 | (c >> 12)) || b[j + 1] != (byte) (0x80 | ((c >> 6) & 0x3f))
                        || b[j + 2] != (byte) (0x80 | (c & 0x3f))) {
                    return false;
                }
                j += 3;
            }
        }
        if (j >= b.length || b[j] != '"') {
            return false;
        }
        i = j + 1;
        return true;
    }
}
