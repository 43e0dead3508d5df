package dev.sluice.analytics;

import dev.sluice.api.SluiceException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times in analytics queries: an ISO instant ({@code 2026-03-01T12:00:00Z}), a date (UTC midnight,
 * {@code 2026-03-01}), epoch milliseconds, {@code now}, or a time before now ({@code 15m},
 * {@code 1h}, {@code 7d}, also written {@code -1h}).
 */
public final class TimeParam {
    private static final Pattern RELATIVE = Pattern.compile("-?(\\d{1,9})(ms|s|m|h|d|w)");

    private TimeParam() {}

    /** Epoch millis, or null when {@code text} is null; a 400 naming {@code param} when it is not a time. */
    public static Long parse(String param, String text, long nowMillis) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        if (t.equals("now")) {
            return nowMillis;
        }
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            return nowMillis - duration(m).toMillis();
        }
        if (t.chars().allMatch(Character::isDigit) && t.length() <= 15) {
            return Long.parseLong(t);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            // try a date
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw SluiceException.invalidRequest(param, "'" + (t.length() > 40 ? t.substring(0, 40) + "..." : t)
                    + "' is not a time. Use an ISO instant (2026-03-01T12:00:00Z), a date (2026-03-01), epoch"
                    + " milliseconds, 'now', or a time before now such as 15m, 1h or 7d.");
        }
    }

    /** A bucket width such as {@code 1m}, {@code 5m}, {@code 1h}, {@code 1d}; null when absent. */
    public static Duration bucket(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = RELATIVE.matcher(text.strip());
        if (!m.matches() || text.strip().startsWith("-") || Long.parseLong(m.group(1)) == 0) {
            throw SluiceException.invalidRequest("bucket", "'" + text + "' is not a bucket width. Use e.g. 1m, 5m, 1h or 1d.");
        }
        Duration d = duration(m);
        if (d.toMillis() < 1000) {
            throw SluiceException.invalidRequest("bucket", "Buckets are at least 1s wide.");
        }
        return d;
    }

    /** The duration a matched {@code RELATIVE} text says: a count and a unit (ms, s, m, h, d, w). */
    private static Duration duration(Matcher m) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
