package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.server.PortInUseException;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Gateway start-up: a failure leaves nothing behind")
class StartupTest {
    /** The store's writers are platform threads named sluice-<name>-writer. */
    private static long writerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("sluice-") && t.getName().endsWith("-writer")).count();
    }

    @Test
    @DisplayName("a module that fails to start closes those started before it, in reverse: no writer thread is left")
    void failedModuleClosesTheOthers() throws Exception {
        Path dir = Files.createTempDirectory("sluice-start");
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "x");
        long before = writerThreads();
        // the cache module starts after the store's writers; its index cannot be made under a file
        assertThatThrownBy(() -> TestGateway.start(SimOptions.defaults(), """
                cache:
                  semantic:
                    path: "%s"
                """.formatted(notADirectory.resolve("index")), Clock.systemUTC(), dir))
                .hasMessageContaining("cannot open the cache index");
        assertThat(writerThreads()).as("writer threads after the failed start").isEqualTo(before);
    }

    @Test
    @DisplayName("a taken port fails before anything is opened: no store file is made")
    void takenPortOpensNothing() throws Exception {
        Path dir = Files.createTempDirectory("sluice-start");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // the store section is TestGateway's own, written out so that it does not copy a migrated store there first
            assertThatThrownBy(() -> TestGateway.start(SimOptions.defaults(), """
                    server:
                      host: 127.0.0.1
                      port: %d
                    store:
                      path: %s
                      spill_dir: %s
                    """.formatted(taken.getLocalPort(), dir.resolve("sluice.db"), dir.resolve("spill")), Clock.systemUTC(), dir))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
        assertThat(dir.resolve("sluice.db")).doesNotExist();
    }
}
