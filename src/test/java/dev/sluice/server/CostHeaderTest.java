package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CostHeaderTest {
    @Test
    @DisplayName("x-sluice-cost's number is written exactly as BigDecimal.valueOf(cost).toPlainString() writes it")
    void sameAsBigDecimal() {
        Random random = new Random(11);
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.5, 0.001, 0.0001, 3.0749999999999995E-5,
                1.0E-5, 1.0E7, 1.2345E7, 1.23456789E8, 1.234567891E8, 9999999.0, 1.0E-3, 9.999E-4, Double.MIN_VALUE,
                Double.MAX_VALUE, -Double.MIN_VALUE, -3.5E-9, 1.0E21, 1.0E22, 123456.789, 1.0E-300, 4.9E-324));
        for (int i = 0; i < 200_000; i++) {
            values.add(switch (i % 4) {
                case 0 -> random.nextDouble() * Math.pow(10, random.nextInt(-12, 12));
                case 1 -> -random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
                case 2 -> Double.longBitsToDouble(random.nextLong());
                default -> random.nextInt(1_000_000) / Math.pow(10, random.nextInt(0, 15));
            });
        }
        for (double d : values) {
            if (Double.isFinite(d)) {
                assertThat(ReplyWriter.plain(d)).as("%s", d).isEqualTo(BigDecimal.valueOf(d).toPlainString());
            }
        }
        assertThatThrownBy(() -> ReplyWriter.plain(Double.NaN)).isInstanceOf(NumberFormatException.class);
    }
}
