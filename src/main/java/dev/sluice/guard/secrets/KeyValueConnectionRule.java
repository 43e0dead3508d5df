package dev.sluice.guard.secrets;

/**
 * An ADO/ODBC-style connection string with a password:
 * {@code Server=db;Database=x;User Id=sa;Password=Passw0rd!}. One pass per line, remembering the
 * first {@code server=}/{@code data source=}/{@code host=} whose value has been closed by a
 * {@code ;}; a {@code password=}/{@code pwd=} after it ends the match. (The regex this replaces,
 * {@code (host=...)*password}, tried every host= against the rest of the text: quadratic.)
 */
final class KeyValueConnectionRule implements SecretRule {
    private static final String[] HOSTS = {"server=", "data source=", "host="};
    private static final String[] PASSWORDS = {"password=", "pwd="};
    private static final CharClass VALUE = CharClass.noneOf(";'\"");

    @Override
    public String type() {
        return "connection_string";
    }

    @Override
    public void find(String text, String lower, Sink sink) {
        if (!lower.contains("password=") && !lower.contains("pwd=")) {
            return;
        }
        int n = text.length();
        int open = -1;   // the first host key on this line whose value is not yet closed by ';'
        int closed = -1; // the first host key on this line whose value is closed: a match can start there
        for (int i = 0; i < n; i++) {
            char c = lower.charAt(i);
            if (c == '\n') {
                open = -1;
                closed = -1;
            } else if (c == ';') {
                if (open >= 0 && closed < 0) {
                    closed = open;
                }
                open = -1;
            } else if (closed < 0 && open < 0 && (c == 's' || c == 'd' || c == 'h')) {
                int valueStart = after(lower, i, HOSTS);
                if (valueStart > 0 && valueStart < n && lower.charAt(valueStart) != ';' && lower.charAt(valueStart) != '\n') {
                    open = i;
                }
            } else if (closed >= 0 && (c == 'p')) {
                int valueStart = after(lower, i, PASSWORDS);
                if (valueStart > 0) {
                    int end = valueStart;
                    while (end < n && VALUE.has(text.charAt(end))) {
                        end++;
                    }
                    if (end > valueStart) {
                        sink.found(type(), closed, end);
                        open = -1;
                        closed = -1;
                        i = end - 1;
                    }
                }
            }
        }
    }

    /** The index after whichever of {@code keys} starts at {@code i}, or -1. */
    private static int after(String lower, int i, String[] keys) {
        for (String key : keys) {
            if (lower.startsWith(key, i)) {
                return i + key.length();
            }
        }
        return -1;
    }
}
