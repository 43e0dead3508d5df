package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("sluice sim")
class SimCommandTest {

    @Test
    @DisplayName("on a port that is taken: one line saying so, exit code 2, no stack trace")
    void portInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CliTest.Run run = CliTest.run("sim", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(run.code()).isEqualTo(2);
            assertThat(run.out()).contains("port " + taken.getLocalPort() + " is already in use").contains("--port N")
                    .doesNotContain("Exception");
        }
    }
}
