package dev.sluice.trace;

import java.util.Map;

/**
 * A W3C Trace Context parent (<a href="https://www.w3.org/TR/trace-context/">traceparent and
 * tracestate</a>), as a client sent it or as it goes upstream. Parsing is strict: a header that
 * breaks the format is ignored, as the specification says (a bad {@code traceparent} means no
 * parent; a bad {@code tracestate} is dropped while its {@code traceparent} still counts).
 *
 * @param traceId    32 lower-case hex digits, not all zero
 * @param spanId     16 lower-case hex digits, not all zero
 * @param flags      the trace flags byte (bit 0: sampled)
 * @param traceState the {@code tracestate} list-members joined by commas, without blanks; empty for none
 */
public record TraceParent(String traceId, String spanId, int flags, String traceState) {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** Trace flag: the trace is sampled (recorded). */
    public static final int SAMPLED = 0x01;
    /** Trace flag (W3C Trace Context level 2): the trace id is random. */
    public static final int RANDOM = 0x02;
    private static final int LENGTH = 55;
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();
    private static final int MAX_MEMBERS = 32;

    public boolean sampled() {
        return (flags & SAMPLED) != 0;
    }

    /** The parent in a request's headers (lower-case names), or null when there is none or it is invalid. */
    public static TraceParent extract(Map<String, String> headers) {
        String header = headers.get(TRACEPARENT);
        if (header == null) {
            return null;
        }
        return parse(header, headers.get(TRACESTATE));
    }

    /** Parses the two headers' values; null when {@code traceparent} is invalid. */
    public static TraceParent parse(String traceparent, String tracestate) {
        int length = traceparent.length();
        if (length < LENGTH || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-'
                || traceparent.charAt(52) != '-') {
            return null;
        }
        int version = hexByte(traceparent, 0);
        // version ff is forbidden; 00 is exactly 55 characters; a later version may append fields after a dash
        if (version < 0 || version == 0xff || (version == 0 ? length != LENGTH
                : length > LENGTH && traceparent.charAt(LENGTH) != '-')) {
            return null;
        }
        int flags = hexByte(traceparent, 53);
        if (flags < 0 || !isId(traceparent, 3, 35) || !isId(traceparent, 36, 52)) {
            return null;
        }
        return new TraceParent(traceparent.substring(3, 35), traceparent.substring(36, 52), flags,
                tracestate == null ? "" : traceState(tracestate));
    }

    /** The {@code traceparent} header of a span of this trace (version 00). */
    static String header(String traceId, String spanId, int flags) {
        return "00-" + traceId + '-' + spanId + '-' + HEX.toHexDigits((byte) flags);
    }

    /** Lower-case hex, not all zeros (an all-zero id is invalid). */
    private static boolean isId(String s, int from, int to) {
        boolean nonZero = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isHex(c)) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }

    private static int hexByte(String s, int at) {
        char hi = s.charAt(at);
        char lo = s.charAt(at + 1);
        if (!isHex(hi) || !isHex(lo)) {
            return -1;
        }
        return Character.digit(hi, 16) << 4 | Character.digit(lo, 16);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    /**
     * The list-members of a {@code tracestate} value, normalised (blanks around members and empty
     * members dropped), or empty when the value is invalid: a member that is not {@code key=value}
     * in the specification's grammar, a key given twice, or more than 32 members.
     */
    static String traceState(String header) {
        StringBuilder out = new StringBuilder(header.length());
        java.util.Set<String> keys = null;
        int members = 0;
        int start = 0;
        while (start <= header.length()) {
            int comma = header.indexOf(',', start);
            int end = comma < 0 ? header.length() : comma;
            String member = trimBlanks(header, start, end);
            start = end + 1;
            if (member.isEmpty()) {
                continue;
            }
            int eq = member.indexOf('=');
            if (eq < 0 || !validKey(member, eq) || !validValue(member, eq + 1) || ++members > MAX_MEMBERS) {
                return "";
            }
            if (keys == null) {
                keys = new java.util.HashSet<>();
            }
            if (!keys.add(member.substring(0, eq))) {
                return "";
            }
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(member);
        }
        return out.toString();
    }

    private static String trimBlanks(String s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    /** {@code lcalpha 0*255(keychar)}, or {@code tenant@system} (tenant: 1-241 chars from lcalpha or a digit; system: 1-14 from lcalpha). */
    private static boolean validKey(String member, int eq) {
        int at = member.indexOf('@');
        if (at < 0 || at > eq) {
            return eq >= 1 && eq <= 256 && isLcAlpha(member.charAt(0)) && keyChars(member, 1, eq);
        }
        int tenant = at;
        int system = eq - at - 1;
        return tenant >= 1 && tenant <= 241 && (isLcAlpha(member.charAt(0)) || isDigit(member.charAt(0)))
                && keyChars(member, 1, at) && system >= 1 && system <= 14 && isLcAlpha(member.charAt(at + 1))
                && keyChars(member, at + 2, eq);
    }

    private static boolean keyChars(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '*' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /** 1-256 printable ASCII characters but {@code ,} and {@code =}, not ending in a space. */
    private static boolean validValue(String member, int from) {
        int n = member.length() - from;
        if (n < 1 || n > 256 || member.charAt(member.length() - 1) == ' ') {
            return false;
        }
        for (int i = from; i < member.length(); i++) {
            char c = member.charAt(i);
            if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLcAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
