package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Slow and greedy clients (slowloris): header and idle timeouts, connections per IP")
class SlowClientsTest {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), """
                server:
                  host: 127.0.0.1
                  port: 0
                  header_timeout: 2s
                  idle_timeout: 3s
                """, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", gw.gateway().port());
        s.setSoTimeout(200);
        return s;
    }

    /** Whether the server closed (or reset) the connection: a read ends, or a write fails. */
    static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    @DisplayName("connections trickling a header byte every half second are closed once the header timeout passes")
    void trickledHeadersAreCut() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket s = connect();
                s.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                sockets.add(s);
            }
            long start = System.nanoTime();
            List<Socket> open = new ArrayList<>(sockets);
            int round = 0;
            while (!open.isEmpty()) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("still open: " + open.size())
                        .isLessThan(Duration.ofSeconds(15));
                for (Socket s : List.copyOf(open)) {
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(("X-Slow-" + round + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        open.remove(s);
                        continue;
                    }
                    if (closedByServer(s)) {
                        open.remove(s);
                    }
                }
                round++;
                Thread.sleep(300);
            }
            assertThat(round).as("the headers kept coming for a while before the cut").isGreaterThan(2);
            assertThat(gw.http().get("/health/live", Map.of()).status()).isEqualTo(200);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    @DisplayName("a keep-alive connection with nothing to say is closed after the idle timeout")
    void idleKeepAliveIsClosed() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5_000);
            byte[] head = new byte[12];
            assertThat(s.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            s.setSoTimeout(200);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> closedByServer(s));
        }
    }

    @Test
    @DisplayName("one address holds at most max_connections_per_ip connections; the next is refused with 429, then served again")
    void connectionsPerIp() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (TestGateway capped = TestGateway.start(SimOptions.defaults(), """
                server:
                  host: 127.0.0.1
                  port: 0
                  header_timeout: 30s
                  idle_timeout: 60s
                  max_connections_per_ip: 12
                """, Clock.systemUTC())) {
            int port = capped.gateway().port();
            for (int i = 0; i < 12; i++) {
                Socket s = new Socket("127.0.0.1", port);
                assertThat(statusLine(s, false)).isEqualTo("HTTP/1.1 200");
                held.add(s);
            }
            try (Socket extra = new Socket("127.0.0.1", port)) {
                extra.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                extra.setSoTimeout(5_000);
                String answer = new String(extra.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 429").contains("too_many_connections");
            }
            held.removeFirst().close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (Socket again = new Socket("127.0.0.1", port)) {
                    assertThat(statusLine(again, true)).isEqualTo("HTTP/1.1 200");
                }
            });
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** Sends GET /health/live and reads the status line of the answer. */
    static String statusLine(Socket s, boolean close) throws IOException {
        s.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: x\r\n" + (close ? "Connection: close\r\n" : "")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(5_000);
        byte[] head = new byte[12];
        int n = s.getInputStream().readNBytes(head, 0, 12);
        return new String(head, 0, n, StandardCharsets.US_ASCII);
    }
}
