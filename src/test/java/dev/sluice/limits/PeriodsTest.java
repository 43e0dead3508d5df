package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PeriodsTest {
    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    @DisplayName("budget keys name the UTC day and month of the instant, also when the clock goes back and forth")
    void keysFollowTheClock() {
        String[][] cases = {
            {"2026-11-23T23:59:59.999Z", "d:20261123", "m:202611"},
            {"2026-11-24T00:00:00Z", "d:20261124", "m:202611"},
            {"2026-11-23T12:00:00Z", "d:20261123", "m:202611"},
            {"2026-12-31T23:59:59Z", "d:20261231", "m:202612"},
            {"2027-01-01T00:00:00Z", "d:20270101", "m:202701"},
            {"1969-12-31T23:00:00Z", "d:19691231", "m:196912"},
            {"1970-01-01T00:00:00Z", "d:19700101", "m:197001"},
            {"2026-11-24T00:00:00Z", "d:20261124", "m:202611"},
        };
        for (String[] c : cases) {
            assertThat(Periods.key(Bucket.Kind.DAILY_USD, at(c[0]))).as(c[0]).isEqualTo(c[1]);
            assertThat(Periods.key(Bucket.Kind.MONTHLY_USD, at(c[0]))).as(c[0]).isEqualTo(c[2]);
        }
    }

    @Test
    @DisplayName("the time until a day's end is the calendar's, at and around midnight, before 1970 and at random instants")
    void untilTheEndOfADay() {
        java.util.Random random = new java.util.Random(3);
        java.util.List<Long> instants = new java.util.ArrayList<>(java.util.List.of(at("2026-11-23T23:59:59.999Z"),
                at("2026-11-24T00:00:00Z"), at("2026-11-24T00:00:00.001Z"), at("1969-12-31T23:00:00Z"),
                at("1970-01-01T00:00:00Z"), at("1960-02-29T00:00:00Z") - 1, 0L, -1L, 1L));
        for (int i = 0; i < 10_000; i++) {
            instants.add(random.nextLong(-4_000_000_000_000L, 8_000_000_000_000L));
        }
        for (long now : instants) {
            java.time.LocalDate next = java.time.LocalDate.ofInstant(Instant.ofEpochMilli(now), java.time.ZoneOffset.UTC)
                    .plusDays(1);
            long expected = next.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli() - now;
            assertThat(Periods.untilEnd(Bucket.Kind.DAILY_USD, now)).as("%d", now).isEqualTo(expected);
        }
    }
}
