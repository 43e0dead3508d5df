package dev.sluice.limits;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Budget periods are UTC days and UTC months. */
public final class Periods {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

    private Periods() {}

    /** The keys of one UTC day, made once a day rather than formatted for every request's budget buckets. */
    private record Keys(long epochDay, String day, String month) {}

    private static volatile Keys today = keys(0);

    private static Keys keys(long epochDay) {
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        return new Keys(epochDay, "d:" + DAY.format(date), "m:" + MONTH.format(date));
    }

    /** e.g. {@code d:20261123} or {@code m:202611}. */
    public static String key(Bucket.Kind kind, long nowMillis) {
        long epochDay = Math.floorDiv(nowMillis, 86_400_000L);
        Keys keys = today;
        if (keys.epochDay() != epochDay) {
            keys = keys(epochDay);
            today = keys; // a race only makes the same keys twice
        }
        return kind == Bucket.Kind.DAILY_USD ? keys.day() : keys.month();
    }

    /** Epoch millis when the period containing {@code nowMillis} began. */
    public static long start(Bucket.Kind kind, long nowMillis) {
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
        LocalDate first = kind == Bucket.Kind.DAILY_USD ? date : date.withDayOfMonth(1);
        return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /**
     * Milliseconds until the period containing {@code nowMillis} ends. A UTC day is 86,400,000 ms (no leap
     * seconds in epoch millis), so a day's end is arithmetic; a month's is the calendar's. Every request with a
     * daily budget asks this (its reset time).
     */
    public static long untilEnd(Bucket.Kind kind, long nowMillis) {
        if (kind == Bucket.Kind.DAILY_USD) {
            return (Math.floorDiv(nowMillis, 86_400_000L) + 1) * 86_400_000L - nowMillis;
        }
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
        LocalDate next = kind == Bucket.Kind.DAILY_USD ? date.plusDays(1) : date.withDayOfMonth(1).plusMonths(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - nowMillis;
    }

    /** How long a period's counter must live: the period plus a day of margin. */
    public static long ttl(Bucket.Kind kind) {
        return kind == Bucket.Kind.DAILY_USD ? 2 * 86_400_000L : 33 * 86_400_000L;
    }
}
