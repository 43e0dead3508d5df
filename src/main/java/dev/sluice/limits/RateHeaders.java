package dev.sluice.limits;

import dev.sluice.pipeline.Exchange;
import java.util.List;

/**
 * OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests}, {@code -remaining-requests},
 * {@code -reset-requests} and the {@code -tokens} variants, from the tightest bucket of each kind.
 */
final class RateHeaders {
    private RateHeaders() {}

    static void write(Exchange ex, List<Decision.State> states) {
        write(ex, states, Bucket.Kind.REQUESTS_PER_MINUTE, REQUESTS);
        write(ex, states, Bucket.Kind.TOKENS_PER_MINUTE, TOKENS);
    }

    /** The three header names of one kind, made once (not concatenated per request). */
    private record Names(String limit, String remaining, String reset) {
        Names(String suffix) {
            this("x-ratelimit-limit-" + suffix, "x-ratelimit-remaining-" + suffix, "x-ratelimit-reset-" + suffix);
        }
    }

    private static final Names REQUESTS = new Names("requests");
    private static final Names TOKENS = new Names("tokens");

    private static void write(Exchange ex, List<Decision.State> states, Bucket.Kind kind, Names names) {
        Decision.State tightest = null;
        for (Decision.State s : states) {
            if (s.bucket().kind() == kind && (tightest == null
                    || s.remaining() / s.bucket().limit() < tightest.remaining() / tightest.bucket().limit())) {
                tightest = s;
            }
        }
        if (tightest == null) {
            return;
        }
        ex.responseHeader(names.limit(), Long.toString((long) tightest.bucket().limit()));
        ex.responseHeader(names.remaining(), Long.toString(Math.max(0, (long) Math.floor(tightest.remaining()))));
        ex.responseHeader(names.reset(), duration(tightest.resetMillis()));
    }

    /** OpenAI's duration style: {@code 250ms}, {@code 12s}, {@code 6m0s}. */
    static String duration(long millis) {
        if (millis < 1000) {
            return Math.max(0, millis) + "ms";
        }
        long seconds = (millis + 999) / 1000;
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m" + (seconds % 60) + "s";
        }
        return (minutes / 60) + "h" + (minutes % 60) + "m" + (seconds % 60) + "s";
    }
}
