package dev.sluice.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Budget periods are UTC days and UTC months. */
public final class Periods {
    private Periods() {}

    /** e.g. {@code d:20261123} or {@code m:202611}. */
    public static String key(Bucket.Kind kind, long nowMillis) {
        // digits by arithmetic: a DateTimeFormatter (two per budgeted request) was ~1% of a request's CPU samples
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(nowMillis, 86_400_000L));
        int month = date.getYear() * 100 + date.getMonthValue();
        return kind == Bucket.Kind.DAILY_USD ? "d:" + (month * 100 + date.getDayOfMonth()) : "m:" + month;
    }

    /** Epoch millis when the period containing {@code nowMillis} began. */
    public static long start(Bucket.Kind kind, long nowMillis) {
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
        LocalDate first = kind == Bucket.Kind.DAILY_USD ? date : date.withDayOfMonth(1);
        return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** Milliseconds until the period containing {@code nowMillis} ends. */
    public static long untilEnd(Bucket.Kind kind, long nowMillis) {
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
        LocalDate next = kind == Bucket.Kind.DAILY_USD ? date.plusDays(1) : date.withDayOfMonth(1).plusMonths(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - nowMillis;
    }

    /** How long a period's counter must live: the period plus a day of margin. */
    public static long ttl(Bucket.Kind kind) {
        return kind == Bucket.Kind.DAILY_USD ? 2 * 86_400_000L : 33 * 86_400_000L;
    }
}
