package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An exchange's latency, time to first token and log time start when its request was received")
class ExchangeReceiptTest {
    private static final long WAITED = TimeUnit.SECONDS.toNanos(3);

    @Test
    @DisplayName("a request received before its exchange was made (it waited for a carrier) counts that wait")
    void receivedEarlier() {
        long before = System.currentTimeMillis();
        Exchange ex = new Exchange("r-1", Exchange.Operation.CHAT, Map.of(), System.nanoTime() - WAITED);
        ex.markFirstToken();
        assertThat(ex.ttftMillis()).isGreaterThanOrEqualTo(3_000);
        assertThat(ex.latencyMillis()).isGreaterThanOrEqualTo(3_000);
        // the wall-clock time of the log row is the receipt's, not the exchange's
        assertThat(ex.startEpochMillis()).isLessThanOrEqualTo(System.currentTimeMillis() - 3_000)
                .isGreaterThanOrEqualTo(before - 3_000 - 1);
    }

    @Test
    @DisplayName("a receipt time after the exchange was made is taken as now")
    void neverAfterNow() {
        long before = System.nanoTime();
        Exchange ex = new Exchange("r-2", Exchange.Operation.CHAT, Map.of(), before + WAITED);
        assertThat(ex.startNanos()).isBetween(before, System.nanoTime());
        assertThat(ex.latencyMillis()).isLessThan(3_000);
    }
}
