package dev.sluice.guard.secrets;

import java.util.List;

/**
 * A secret-looking value assigned to a secret-sounding name: {@code password = Xk9mQ2vL8pZ3},
 * {@code "api_key": "..."}. Names are found with {@code indexOf} (whole words), then an optional
 * quote, {@code :} or {@code =}, an optional quote and the value, a run measured through
 * {@link Runs}. Only the value is reported, and only when it looks random (entropy, letters and
 * digits); values longer than {@link #MAX_VALUE} are not credentials.
 */
final class AssignmentRule implements SecretRule {
    private static final List<String> NAMES = List.of("password", "passwd", "pwd", "secret", "api_key", "api-key",
            "apikey", "access_token", "access-token", "accesstoken", "auth_token", "auth-token", "authtoken",
            "client_secret", "client-secret", "clientsecret", "private_key", "private-key", "privatekey");
    private static final CharClass VALUE = CharClass.noneOf("\"',;");
    static final int MAX_VALUE = 512;

    @Override
    public String type() {
        return "generic_secret";
    }

    @Override
    public void find(String text, String lower, Sink sink) {
        Runs values = new Runs(VALUE);
        int judged = -1; // the end of the last value judged: a value is judged once, from its first name
        for (String name : NAMES) {
            int from = 0;
            int p;
            while ((p = lower.indexOf(name, from)) >= 0) {
                from = p + 1;
                int end = p + name.length();
                if (!CharClass.boundary(lower, p) || !CharClass.boundary(lower, end)) {
                    continue;
                }
                int i = end;
                if (i < text.length() && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
                    i++;
                }
                i = spaces(text, i);
                if (i >= text.length() || text.charAt(i) != ':' && text.charAt(i) != '=') {
                    continue;
                }
                i = spaces(text, i + 1);
                if (i < text.length() && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
                    i++;
                }
                int valueEnd = values.end(text, i);
                int length = valueEnd - i;
                if (valueEnd == judged) {
                    continue;
                }
                judged = valueEnd;
                if (length >= 8 && length <= MAX_VALUE && random(text.substring(i, valueEnd))) {
                    sink.found(type(), i, valueEnd);
                    from = valueEnd;
                }
            }
        }
    }

    private static int spaces(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean random(String value) {
        return SecretsScanner.entropy(value) >= 3.0 && SecretsScanner.hasDigitAndLetter(value);
    }
}
