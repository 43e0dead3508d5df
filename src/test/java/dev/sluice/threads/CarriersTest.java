package dev.sluice.threads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.GatewayProcess;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CarriersTest {

    @Test
    void halfTheCoresAndAtLeastOne() {
        assertThat(Carriers.forCores(1)).isEqualTo(1);
        assertThat(Carriers.forCores(2)).isEqualTo(1);
        assertThat(Carriers.forCores(3)).isEqualTo(1);
        assertThat(Carriers.forCores(8)).isEqualTo(4);
    }

    @Test
    void anOperatorsOwnSettingIsKept() {
        String before = System.getProperty(Carriers.PROPERTY);
        try {
            System.setProperty(Carriers.PROPERTY, "3");
            Carriers.configure();
            assertThat(System.getProperty(Carriers.PROPERTY)).isEqualTo("3");
            System.clearProperty(Carriers.PROPERTY);
            Carriers.configure();
            assertThat(System.getProperty(Carriers.PROPERTY))
                    .isEqualTo(Integer.toString(Carriers.forCores(Runtime.getRuntime().availableProcessors())));
        } finally {
            if (before == null) {
                System.clearProperty(Carriers.PROPERTY);
            } else {
                System.setProperty(Carriers.PROPERTY, before);
            }
        }
    }

    /** The JDK reads the property once, at its first virtual thread: {@code sluice serve} must set it before that. */
    @Test
    void aServingGatewayRunsOnHalfTheCores() throws Exception {
        Path dir = Files.createTempDirectory("sluice-carriers");
        try (GatewayProcess gw = GatewayProcess.start(TestGateway.standardConfig("http://127.0.0.1:9", dir, "metrics: {}\n"), dir)) {
            String scrape = gw.http().get("/metrics", java.util.Map.of()).body();
            assertThat(scrape).contains("sluice_threads_carriers " + Carriers.forCores(Runtime.getRuntime().availableProcessors()) + ".0");
            assertThat(scrape).contains("sluice_threads_queued ");
            assertThat(scrape).containsPattern("(?m)^sluice_io_pending_tasks(\\{[^}]*\\})? [0-9]");
        }
    }
}
