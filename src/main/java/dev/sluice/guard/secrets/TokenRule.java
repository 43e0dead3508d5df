package dev.sluice.guard.secrets;

import java.util.function.Predicate;

/**
 * A token with a fixed prefix: {@code ghp_} then 36 alphanumerics, {@code sk-} then 20 or more
 * URL-safe characters... Prefixes are found with {@code indexOf}; the body is a run of one
 * character class measured through {@link Runs}, so repeated prefixes cost nothing extra.
 *
 * @param prefixes     literals that start the token (searched in the lower-cased text when {@code ignoreCase})
 * @param wordStart    whether a {@code \b} must precede the prefix
 * @param chars        the class of the body
 * @param min          the body's minimum length (its exact length when {@code exact})
 * @param exact        body of exactly {@code min} characters (else the whole run, at most {@link #MAX_BODY})
 * @param end          what must follow the body
 * @param tail         what may follow the body (a second segment), or null
 * @param check        a test of the whole token (entropy, decodable header...)
 */
record TokenRule(String type, String[] prefixes, boolean ignoreCase, boolean wordStart, CharClass chars, int min,
                 boolean exact, End end, Tail tail, Predicate<String> check) implements SecretRule {

    /** Tokens are short; a run longer than this is not a credential (and is not copied to be checked). */
    static final int MAX_BODY = 1024;

    enum End {
        /** anything may follow */
        ANY,
        /** the body is a maximal run: no character of the class follows ({@code (?![...])}) */
        NOT_CLASS,
        /** a {@code \b} follows */
        WORD_BOUNDARY
    }

    /** A second part after the body, e.g. a JWT's payload and signature. */
    @FunctionalInterface
    interface Tail {
        /** The end of the token whose body ends at {@code end}, or -1 when it does not continue as it must. */
        int end(String text, int end, Runs runs);
    }

    static TokenRule of(String type, String prefixes, CharClass chars, int min, boolean exact, End end) {
        return new TokenRule(type, prefixes.split("\\|"), false, true, chars, min, exact, end, null, t -> true);
    }

    TokenRule checked(Predicate<String> test) {
        return new TokenRule(type, prefixes, ignoreCase, wordStart, chars, min, exact, end, tail, test);
    }

    TokenRule then(Tail next) {
        return new TokenRule(type, prefixes, ignoreCase, wordStart, chars, min, exact, end, next, check);
    }

    TokenRule anywhere() {
        return new TokenRule(type, prefixes, ignoreCase, false, chars, min, exact, end, tail, check);
    }

    TokenRule caseInsensitive() {
        return new TokenRule(type, prefixes, true, wordStart, chars, min, exact, end, tail, check);
    }

    @Override
    public void find(String text, String lower, Sink sink) {
        String haystack = ignoreCase ? lower : text;
        Runs runs = new Runs(chars);
        for (String prefix : prefixes) {
            int from = 0;
            int p;
            while ((p = haystack.indexOf(prefix, from)) >= 0) {
                int tokenEnd = match(text, p, prefix.length(), runs);
                if (tokenEnd > 0) {
                    sink.found(type, p, tokenEnd);
                    from = tokenEnd;
                } else {
                    // a token is judged once, from its first prefix: prefixes inside a rejected run
                    // (sk-sk-sk-...) are not tried again, so each character is checked once
                    from = Math.max(p + 1, -tokenEnd);
                }
            }
        }
    }

    /** The end of the token starting at {@code p}, or minus where to search next. */
    private int match(String text, int p, int prefixLength, Runs runs) {
        if (wordStart && !CharClass.boundary(text, p)) {
            return -(p + 1);
        }
        int bodyStart = p + prefixLength;
        int runEnd = runs.end(text, bodyStart);
        int length = runEnd - bodyStart;
        int skip = -Math.max(p + 1, runEnd);
        if (length < min || !exact && length > MAX_BODY) {
            return skip;
        }
        int bodyEnd = exact ? bodyStart + min : runEnd;
        boolean ends = switch (end) {
            case ANY -> true;
            case NOT_CLASS -> bodyEnd == runEnd;
            case WORD_BOUNDARY -> CharClass.boundary(text, bodyEnd);
        };
        if (!ends) {
            return skip;
        }
        int tokenEnd = tail == null ? bodyEnd : tail.end(text, bodyEnd, runs);
        if (tokenEnd < 0 || !check.test(text.substring(p, tokenEnd))) {
            return skip;
        }
        return tokenEnd;
    }
}
