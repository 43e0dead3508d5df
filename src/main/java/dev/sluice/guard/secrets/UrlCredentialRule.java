package dev.sluice.guard.secrets;

import java.util.List;

/**
 * A database or broker URL with a password: {@code postgres://user:pass@host/db}. Each
 * {@code ://} is found with {@code indexOf}, the scheme checked by looking back, and the user,
 * password and host measured as runs (through {@link Runs}, so URLs nested in a password are not
 * re-measured).
 */
final class UrlCredentialRule implements SecretRule {
    private static final List<String> SCHEMES = List.of("postgresql", "postgres", "mysql", "mariadb", "mongodb+srv",
            "mongodb", "rediss", "redis", "amqps", "amqp", "mssql", "sqlserver", "clickhouse", "couchbase");
    private static final CharClass USER = CharClass.noneOf(":/@'\"");
    private static final CharClass PASSWORD = CharClass.noneOf("@'\"");
    private static final CharClass HOST = CharClass.noneOf("'\"<>");
    private static final CharClass JDBC_SUBPROTOCOL = c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9';

    @Override
    public String type() {
        return "connection_string";
    }

    @Override
    public void find(String text, String lower, Sink sink) {
        Runs user = new Runs(USER);
        Runs password = new Runs(PASSWORD);
        Runs host = new Runs(HOST);
        int from = 0;
        int p;
        while ((p = text.indexOf("://", from)) >= 0) {
            from = p + 1;
            int start = schemeStart(lower, p);
            if (start < 0) {
                continue;
            }
            int userEnd = user.end(text, p + 3);
            if (userEnd == p + 3 || userEnd >= text.length() || text.charAt(userEnd) != ':') {
                continue;
            }
            int passwordEnd = password.end(text, userEnd + 1);
            if (passwordEnd == userEnd + 1 || passwordEnd >= text.length() || text.charAt(passwordEnd) != '@') {
                continue;
            }
            int hostEnd = host.end(text, passwordEnd + 1);
            if (hostEnd == passwordEnd + 1) {
                continue;
            }
            sink.found(type(), start, hostEnd);
            from = hostEnd;
        }
    }

    /** Where a known scheme ending right before {@code colon} starts (at a word boundary), or -1. */
    private static int schemeStart(String lower, int colon) {
        int jdbc = colon;
        while (jdbc > 0 && colon - jdbc < 32 && JDBC_SUBPROTOCOL.has(lower.charAt(jdbc - 1))) {
            jdbc--;
        }
        if (jdbc < colon && jdbc >= 5 && lower.startsWith("jdbc:", jdbc - 5) && CharClass.boundary(lower, jdbc - 5)) {
            return jdbc - 5;
        }
        for (String scheme : SCHEMES) {
            int start = colon - scheme.length();
            if (start >= 0 && lower.startsWith(scheme, start) && CharClass.boundary(lower, start)) {
                return start;
            }
        }
        return -1;
    }
}
