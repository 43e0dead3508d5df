package dev.sluice.logging;

/**
 * Client data made safe for a log line: quoted, control characters (CR, LF, tab, escape, the
 * Unicode line and paragraph separators...) escaped so a value cannot forge a line or colour a
 * terminal, and cut to a length, so a megabyte model name costs a few hundred bytes of log.
 */
public final class LogSafe {
    /** The characters of a value kept in a log line; the rest is counted, not written. */
    public static final int MAX = 200;

    private LogSafe() {}

    /** {@code "value"} with control characters escaped, at most {@link #MAX} characters of it. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        int n = Math.min(value.length(), MAX);
        StringBuilder sb = new StringBuilder(n + 16).append('"');
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028' || c == '\u2029'
                            || Character.getType(c) == Character.FORMAT) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        if (value.length() > MAX) {
            sb.append("...(").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }
}
