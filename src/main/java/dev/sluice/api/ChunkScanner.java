package dev.sluice.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the usual {@code chat.completion.chunk} of an OpenAI-format stream straight from its bytes, without a
 * JSON parser: one per open stream, called once per event. What it returns equals what
 * {@link ChatResponseCodec#readChunk(com.fasterxml.jackson.core.JsonParser)} reads from the same bytes; what it
 * does not read exactly that way it <em>declines</em> (returns null) and the caller reads the event with Jackson
 * as before: tool-call deltas, usage objects, log probabilities, errors, escaped field names, numbers that are not plain integers,
 * wrongly typed fields, malformed UTF-8, anything that is not valid JSON, and any line break (so an accepted
 * event is also one object alone on one line: its bytes may be forwarded as they are).
 *
 * <p>Why: a Jackson parser per event (the parser, its context, buffers and symbol table child) was ~40% of the
 * bytes a forwarded event allocated. Here an event costs its chunk's records and its text; the id, model and
 * fingerprint repeat on every event of a stream and are read once (the previous event's strings are reused when
 * the bytes are the same), finish reasons and the role are constants. The scanner keeps no reference to an
 * event: only primitives change from event to event, so an old scanner is not dirtied by every event (each
 * reference store into an old object is a card a young collection must scan).
 */
public final class ChunkScanner {
    private static final int MAX_DEPTH = 200;
    private static final int MAX_NUMBER = 100;
    /** Longer field names are declined (Jackson refuses names past its own limit, 50,000). */
    private static final int MAX_NAME = 1000;

    private static final byte[] ID = ascii("id");
    private static final byte[] CREATED = ascii("created");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] FINGERPRINT = ascii("system_fingerprint");
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] LOGPROBS = ascii("logprobs");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    /** Strings every stream repeats, returned as constants when the bytes match. */
    private static final String[] CONSTANTS = {"stop", "length", "tool_calls", "content_filter", "function_call",
            "assistant", ""};
    private static final Delta EMPTY_DELTA = new Delta(null, null, List.of(), null);

    /** The last strings read for these fields: reused while the stream repeats them. Stored only when they change. */
    private String id;
    private String model;
    private String fingerprint;
    /** Scratch for strings with escapes; replaced only to grow. */
    private char[] chars = new char[64];

    // what the last scan of a string or an integer found: primitives, so nothing an event made is kept here
    private int end;
    /** 0: ASCII without escapes; 1: UTF-8 without escapes; 2: with escapes. */
    private int kind;
    private long number;

    /**
     * The chunk in {@code b[0, length)}, or null when this scanner declines it (read it with Jackson; nothing
     * about it is known, not even that it is invalid).
     */
    public ChatChunk scan(byte[] b, int length) {
        try {
            return object(b, length);
        } catch (ArrayIndexOutOfBoundsException e) {
            return null; // a truncated event: Jackson says what is wrong with it
        }
    }

    private ChatChunk object(byte[] b, int n) {
        int p = ws(b, 0, n);
        if (p < 0 || p >= n || b[p] != '{') {
            return null;
        }
        String chunkId = "";
        long created = 0;
        String chunkModel = "";
        String fp = null;
        List<ChunkChoice> choices = List.of();
        p = ws(b, p + 1, n);
        if (p < 0) {
            return null;
        }
        if (b[p] == '}') {
            p++;
        } else {
            while (true) {
                int nameStart = p + 1;
                if (b[p] != '"' || (p = string(b, p, n)) < 0 || kind != 0 || p - nameStart > MAX_NAME) {
                    return null;
                }
                int nameEnd = p - 1;
                p = colon(b, p, n);
                if (p < 0) {
                    return null;
                }
                byte v = b[p];
                if (is(ID, b, nameStart, nameEnd)) {
                    String value = stringOrNull(b, p, n, id);
                    if ((p = end) < 0) {
                        return null;
                    }
                    chunkId = value == null ? "" : (id = value);
                } else if (is(MODEL, b, nameStart, nameEnd)) {
                    String value = stringOrNull(b, p, n, model);
                    if ((p = end) < 0) {
                        return null;
                    }
                    chunkModel = value == null ? "" : (model = value);
                } else if (is(FINGERPRINT, b, nameStart, nameEnd)) {
                    fp = stringOrNull(b, p, n, fingerprint);
                    if ((p = end) < 0) {
                        return null;
                    }
                    if (fp != null) {
                        fingerprint = fp;
                    }
                } else if (is(CREATED, b, nameStart, nameEnd)) {
                    if ((p = integer(b, p, n, 18)) < 0) {
                        return null;
                    }
                    created = number;
                } else if (is(CHOICES, b, nameStart, nameEnd)) {
                    if (v != '[') {
                        return null;
                    }
                    choices = choices(b, p, n);
                    if (choices == null) {
                        return null;
                    }
                    p = end;
                } else if (is(USAGE, b, nameStart, nameEnd)) {
                    if ((p = nullAt(b, p, n)) < 0) {
                        return null; // a usage object: the last chunk, read by Jackson
                    }
                } else if (is(ERROR, b, nameStart, nameEnd)) {
                    return null;
                } else if ((p = skip(b, p, n, 1)) < 0) {
                    return null;
                }
                p = ws(b, p, n);
                if (p < 0) {
                    return null;
                }
                if (b[p] == '}') {
                    p++;
                    break;
                }
                if (b[p] != ',' || (p = ws(b, p + 1, n)) < 0) {
                    return null;
                }
            }
        }
        // one object and nothing after it but blanks
        while (p < n && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        if (p != n) {
            return null;
        }
        return new ChatChunk(chunkId, created, chunkModel, choices, null, fp);
    }

    /** The choices array at {@code b[p] == '['}; sets {@link #end} after it. Null to decline. */
    private List<ChunkChoice> choices(byte[] b, int p, int n) {
        ChunkChoice first = null;
        java.util.ArrayList<ChunkChoice> more = null;
        p = ws(b, p + 1, n);
        if (p < 0) {
            return null;
        }
        if (b[p] == ']') {
            end = p + 1;
            return List.of();
        }
        while (true) {
            if (b[p] != '{') {
                return null;
            }
            ChunkChoice c = choice(b, p, n);
            if (c == null) {
                return null;
            }
            p = end;
            if (first == null) {
                first = c;
            } else {
                if (more == null) {
                    more = new java.util.ArrayList<>(4);
                    more.add(first);
                }
                more.add(c);
            }
            p = ws(b, p, n);
            if (p < 0) {
                return null;
            }
            if (b[p] == ']') {
                end = p + 1;
                return more != null ? List.copyOf(more) : List.of(first);
            }
            if (b[p] != ',' || (p = ws(b, p + 1, n)) < 0) {
                return null;
            }
        }
    }

    /** One choice object at {@code b[p] == '{'}; sets {@link #end} after it. Null to decline. */
    private ChunkChoice choice(byte[] b, int p, int n) {
        int index = 0;
        Delta delta = EMPTY_DELTA;
        String finish = null;
        p = ws(b, p + 1, n);
        if (p < 0) {
            return null;
        }
        if (b[p] == '}') {
            end = p + 1;
            return new ChunkChoice(0, delta, null);
        }
        while (true) {
            int nameStart = p + 1;
            if (b[p] != '"' || (p = string(b, p, n)) < 0 || kind != 0 || p - nameStart > MAX_NAME) {
                return null;
            }
            int nameEnd = p - 1;
            p = colon(b, p, n);
            if (p < 0) {
                return null;
            }
            byte v = b[p];
            if (is(INDEX, b, nameStart, nameEnd)) {
                if ((p = integer(b, p, n, 9)) < 0) {
                    return null;
                }
                index = (int) number;
            } else if (is(DELTA, b, nameStart, nameEnd)) {
                if (v != '{' || (delta = delta(b, p, n)) == null) {
                    return null;
                }
                p = end;
            } else if (is(FINISH_REASON, b, nameStart, nameEnd)) {
                finish = stringOrNull(b, p, n, null);
                if ((p = end) < 0) {
                    return null;
                }
            } else if (is(LOGPROBS, b, nameStart, nameEnd)) {
                // null is what nearly every chunk says; log probabilities themselves are Jackson's to read and keep
                if ((p = nullAt(b, p, n)) < 0) {
                    return null;
                }
            } else if ((p = skip(b, p, n, 2)) < 0) {
                return null;
            }
            p = ws(b, p, n);
            if (p < 0) {
                return null;
            }
            if (b[p] == '}') {
                end = p + 1;
                return new ChunkChoice(index, delta, finish);
            }
            if (b[p] != ',' || (p = ws(b, p + 1, n)) < 0) {
                return null;
            }
        }
    }

    /** A delta object at {@code b[p] == '{'} without tool calls; sets {@link #end} after it. Null to decline. */
    private Delta delta(byte[] b, int p, int n) {
        String role = null;
        String content = null;
        String refusal = null;
        p = ws(b, p + 1, n);
        if (p < 0) {
            return null;
        }
        if (b[p] == '}') {
            end = p + 1;
            return EMPTY_DELTA;
        }
        while (true) {
            int nameStart = p + 1;
            if (b[p] != '"' || (p = string(b, p, n)) < 0 || kind != 0 || p - nameStart > MAX_NAME) {
                return null;
            }
            int nameEnd = p - 1;
            p = colon(b, p, n);
            if (p < 0) {
                return null;
            }
            int field = is(CONTENT, b, nameStart, nameEnd) ? 1 : is(ROLE, b, nameStart, nameEnd) ? 2
                    : is(REFUSAL, b, nameStart, nameEnd) ? 3 : is(TOOL_CALLS, b, nameStart, nameEnd) ? 4 : 0;
            if (field == 4) {
                return null; // tool-call deltas: read by Jackson
            }
            if (field == 0) {
                if ((p = skip(b, p, n, 3)) < 0) {
                    return null;
                }
            } else {
                String value = stringOrNull(b, p, n, null);
                if ((p = end) < 0) {
                    return null;
                }
                switch (field) {
                    case 1 -> content = value;
                    case 2 -> role = value;
                    default -> refusal = value;
                }
            }
            p = ws(b, p, n);
            if (p < 0) {
                return null;
            }
            if (b[p] == '}') {
                end = p + 1;
                return role == null && content == null && refusal == null ? EMPTY_DELTA
                        : new Delta(role, content, List.of(), refusal);
            }
            if (b[p] != ',' || (p = ws(b, p + 1, n)) < 0) {
                return null;
            }
        }
    }

    // ---- values

    /** Skips one JSON value at {@code b[p]} (validated); the index after it, or -1 to decline. */
    private int skip(byte[] b, int p, int n, int depth) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        byte c = b[p];
        switch (c) {
            case '"' -> {
                return string(b, p, n);
            }
            case '{' -> {
                p = ws(b, p + 1, n);
                if (p < 0) {
                    return -1;
                }
                if (b[p] == '}') {
                    return p + 1;
                }
                while (true) {
                    int s = p;
                    if (b[p] != '"' || (p = string(b, p, n)) < 0 || p - s > MAX_NAME || (p = colon(b, p, n)) < 0
                            || (p = skip(b, p, n, depth + 1)) < 0 || (p = ws(b, p, n)) < 0) {
                        return -1;
                    }
                    if (b[p] == '}') {
                        return p + 1;
                    }
                    if (b[p] != ',' || (p = ws(b, p + 1, n)) < 0) {
                        return -1;
                    }
                }
            }
            case '[' -> {
                p = ws(b, p + 1, n);
                if (p < 0) {
                    return -1;
                }
                if (b[p] == ']') {
                    return p + 1;
                }
                while (true) {
                    if ((p = skip(b, p, n, depth + 1)) < 0 || (p = ws(b, p, n)) < 0) {
                        return -1;
                    }
                    if (b[p] == ']') {
                        return p + 1;
                    }
                    if (b[p] != ',' || (p = ws(b, p + 1, n)) < 0) {
                        return -1;
                    }
                }
            }
            case 't' -> {
                return literal(b, p, n, 't', 'r', 'u', 'e');
            }
            case 'f' -> {
                return p + 5 <= n && b[p + 1] == 'a' && b[p + 2] == 'l' && b[p + 3] == 's' && b[p + 4] == 'e'
                        && delimited(b, p + 5, n) ? p + 5 : -1;
            }
            case 'n' -> {
                return literal(b, p, n, 'n', 'u', 'l', 'l');
            }
            default -> {
                return c == '-' || (c >= '0' && c <= '9') ? numberEnd(b, p, n) : -1;
            }
        }
    }

    private static int nullAt(byte[] b, int p, int n) {
        return literal(b, p, n, 'n', 'u', 'l', 'l');
    }

    private static int literal(byte[] b, int p, int n, char c0, char c1, char c2, char c3) {
        return p + 4 <= n && b[p] == c0 && b[p + 1] == c1 && b[p + 2] == c2 && b[p + 3] == c3 && delimited(b, p + 4, n)
                ? p + 4 : -1;
    }

    /** Whether a literal or number may end at {@code p}: the end, a blank or a structural character follows. */
    private static boolean delimited(byte[] b, int p, int n) {
        if (p >= n) {
            return true;
        }
        byte c = b[p];
        return c == ' ' || c == '\t' || c == ',' || c == '}' || c == ']';
    }

    /** A JSON number (validated, at most {@link #MAX_NUMBER} bytes); the index after it, or -1. */
    private static int numberEnd(byte[] b, int p, int n) {
        int start = p;
        if (b[p] == '-') {
            p++;
        }
        if (p >= n) {
            return -1;
        }
        if (b[p] == '0') {
            p++;
        } else if (b[p] >= '1' && b[p] <= '9') {
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                p++;
            }
        } else {
            return -1;
        }
        if (p < n && b[p] == '.') {
            int d = ++p;
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                p++;
            }
            if (p == d) {
                return -1;
            }
        }
        if (p < n && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < n && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            int d = p;
            while (p < n && b[p] >= '0' && b[p] <= '9') {
                p++;
            }
            if (p == d) {
                return -1;
            }
        }
        return p - start <= MAX_NUMBER && delimited(b, p, n) ? p : -1;
    }

    /** A plain integer of at most {@code digits} digits (no fraction or exponent) into {@link #number}; -1 to decline. */
    private int integer(byte[] b, int p, int n, int digits) {
        boolean negative = b[p] == '-';
        int d = negative ? p + 1 : p;
        int q = d;
        long v = 0;
        while (q < n && b[q] >= '0' && b[q] <= '9') {
            v = v * 10 + (b[q] - '0');
            q++;
        }
        int count = q - d;
        if (count == 0 || count > digits || (count > 1 && b[d] == '0') || !delimited(b, q, n)) {
            return -1;
        }
        number = negative ? -v : v;
        return q;
    }

    /** After a field name: blanks, a colon, blanks; the index of the value, or -1. */
    private static int colon(byte[] b, int p, int n) {
        p = ws(b, p, n);
        if (p < 0 || b[p] != ':') {
            return -1;
        }
        p = ws(b, p + 1, n);
        return p >= n ? -1 : p;
    }

    /**
     * Skips spaces and tabs: the index of the next byte, or -1 when there is none or it is a line break (declined:
     * see the class comment).
     */
    private static int ws(byte[] b, int p, int n) {
        while (p < n) {
            byte c = b[p];
            if (c != ' ' && c != '\t') {
                return c == '\n' || c == '\r' ? -1 : p;
            }
            p++;
        }
        return -1;
    }

    /**
     * The string at {@code b[p] == '"'}, validated (escapes, no raw control characters, well-formed UTF-8); the
     * index after its closing quote, or -1. Sets {@link #kind}.
     */
    private int string(byte[] b, int p, int n) {
        int k = 0;
        p++;
        while (p < n) {
            int c = b[p];
            if (c == '"') {
                kind = k;
                return p + 1;
            }
            if (c == '\\') {
                k = 2;
                if (p + 1 >= n) {
                    return -1;
                }
                byte e = b[p + 1];
                if (e == 'u') {
                    if (p + 6 > n || hex(b[p + 2]) < 0 || hex(b[p + 3]) < 0 || hex(b[p + 4]) < 0 || hex(b[p + 5]) < 0) {
                        return -1;
                    }
                    p += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    p += 2;
                } else {
                    return -1;
                }
            } else if (c >= 0 && c < 0x20) {
                return -1;
            } else if (c < 0) {
                int len = utf8(b, p, n);
                if (len < 0) {
                    return -1;
                }
                if (k == 0) {
                    k = 1;
                }
                p += len;
            } else {
                p++;
            }
        }
        return -1;
    }

    /** The length of the well-formed UTF-8 sequence at {@code b[p]} (a lead byte ≥ 0x80), or -1. */
    private static int utf8(byte[] b, int p, int n) {
        int c = b[p] & 0xff;
        if (c >= 0xc2 && c <= 0xdf) {
            return p + 1 < n && cont(b[p + 1]) ? 2 : -1;
        }
        if (c >= 0xe0 && c <= 0xef) {
            if (p + 2 >= n || !cont(b[p + 1]) || !cont(b[p + 2])) {
                return -1;
            }
            int c1 = b[p + 1] & 0xff;
            if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) {
                return -1; // overlong, or a surrogate
            }
            return 3;
        }
        if (c >= 0xf0 && c <= 0xf4) {
            if (p + 3 >= n || !cont(b[p + 1]) || !cont(b[p + 2]) || !cont(b[p + 3])) {
                return -1;
            }
            int c1 = b[p + 1] & 0xff;
            if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90)) {
                return -1; // overlong, or past U+10FFFF
            }
            return 4;
        }
        return -1;
    }

    /** Whether {@code b[from, to)} is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
    public static boolean wellFormedUtf8(byte[] b, int from, int to) {
        int p = from;
        while (p < to) {
            if (b[p] >= 0) {
                p++;
            } else {
                int len = utf8(b, p, to);
                if (len < 0) {
                    return false;
                }
                p += len;
            }
        }
        return true;
    }

    private static boolean cont(byte c) {
        return (c & 0xc0) == 0x80;
    }

    private static int hex(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** The string {@link #string} just scanned, {@code b[s, e)} without its quotes. */
    private String text(byte[] b, int s, int e) {
        if (kind == 0) {
            for (String c : CONSTANTS) {
                if (is(c, b, s, e)) {
                    return c;
                }
            }
            return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
        }
        if (kind == 1) {
            return new String(b, s, e - s, StandardCharsets.UTF_8); // well-formed: decoded as Jackson decodes it
        }
        return unescape(b, s, e);
    }

    /**
     * A string or {@code null} at {@code b[p]}: its value ({@code previous} when the bytes are the same, see
     * {@link #same}), or null for JSON null; sets {@link #end} after it, -1 to decline.
     */
    private String stringOrNull(byte[] b, int p, int n, String previous) {
        if (b[p] == '"') {
            int s = p + 1;
            end = string(b, p, n);
            return end < 0 ? null : same(previous, b, s, end - 1);
        }
        end = nullAt(b, p, n);
        return null;
    }

    /** As {@link #text}, but the previous value of the field when the bytes are the same (ASCII, no escapes). */
    private String same(String previous, byte[] b, int s, int e) {
        if (kind == 0 && previous != null && is(previous, b, s, e)) {
            return previous;
        }
        return text(b, s, e);
    }

    private String unescape(byte[] b, int s, int e) {
        char[] out = chars;
        if (out.length < e - s) {
            out = chars = new char[Math.max(e - s, out.length * 2)];
        }
        int o = 0;
        int p = s;
        while (p < e) {
            int c = b[p];
            if (c == '\\') {
                byte x = b[p + 1];
                switch (x) {
                    case 'u' -> {
                        out[o++] = (char) (hex(b[p + 2]) << 12 | hex(b[p + 3]) << 8 | hex(b[p + 4]) << 4 | hex(b[p + 5]));
                        p += 6;
                        continue;
                    }
                    case 'b' -> out[o++] = '\b';
                    case 'f' -> out[o++] = '\f';
                    case 'n' -> out[o++] = '\n';
                    case 'r' -> out[o++] = '\r';
                    case 't' -> out[o++] = '\t';
                    default -> out[o++] = (char) x; // " \ /
                }
                p += 2;
            } else if (c >= 0) {
                out[o++] = (char) c;
                p++;
            } else {
                int lead = c & 0xff;
                int cp;
                int len;
                if (lead < 0xe0) {
                    cp = (lead & 0x1f) << 6 | (b[p + 1] & 0x3f);
                    len = 2;
                } else if (lead < 0xf0) {
                    cp = (lead & 0x0f) << 12 | (b[p + 1] & 0x3f) << 6 | (b[p + 2] & 0x3f);
                    len = 3;
                } else {
                    cp = (lead & 0x07) << 18 | (b[p + 1] & 0x3f) << 12 | (b[p + 2] & 0x3f) << 6 | (b[p + 3] & 0x3f);
                    len = 4;
                }
                if (cp >= 0x10000) {
                    out[o++] = Character.highSurrogate(cp);
                    out[o++] = Character.lowSurrogate(cp);
                } else {
                    out[o++] = (char) cp;
                }
                p += len;
            }
        }
        return new String(out, 0, o);
    }

    private static boolean is(byte[] name, byte[] b, int s, int e) {
        return java.util.Arrays.equals(b, s, e, name, 0, name.length);
    }

    /** Whether {@code b[s, e)} (ASCII) spells {@code value}. */
    private static boolean is(String value, byte[] b, int s, int e) {
        int len = e - s;
        if (value.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (value.charAt(i) != b[s + i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
