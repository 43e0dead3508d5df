package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Budget periods are UTC days and months, keyed d:yyyyMMdd and m:yyyyMM")
class PeriodsTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    @DisplayName("the key of an instant is its UTC day or month, zero-padded")
    void keys() {
        assertThat(Periods.key(Bucket.Kind.DAILY_USD, at("2026-03-05T10:00:00Z"))).isEqualTo("d:20260305");
        assertThat(Periods.key(Bucket.Kind.MONTHLY_USD, at("2026-03-05T10:00:00Z"))).isEqualTo("m:202603");
        assertThat(Periods.key(Bucket.Kind.DAILY_USD, at("2026-12-31T23:59:59.999Z"))).isEqualTo("d:20261231");
        assertThat(Periods.key(Bucket.Kind.DAILY_USD, at("2027-01-01T00:00:00Z"))).isEqualTo("d:20270101");
        assertThat(Periods.key(Bucket.Kind.MONTHLY_USD, at("2027-01-01T00:00:00Z"))).isEqualTo("m:202701");
        assertThat(Periods.key(Bucket.Kind.DAILY_USD, at("1969-12-31T23:00:00Z"))).as("before the epoch")
                .isEqualTo("d:19691231");
    }
}
