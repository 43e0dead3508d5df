package dev.sluice.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.pricing.PriceCatalog;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Client data cannot forge or flood log lines")
class LogFloodTest {

    /** What the code under test writes to stderr (where Sluice's console log goes). */
    static String stderrOf(Callable<?> action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.call();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("LogSafe quotes, escapes line breaks and control characters, and cuts long values")
    void quote() {
        assertThat(LogSafe.quote("gpt\n12:00:00 [INFO] forged")).isEqualTo("\"gpt\\n12:00:00 [INFO] forged\"");
        assertThat(LogSafe.quote("a\r\u001b[31m\u2028b\"")).isEqualTo("\"a\\r\\u001b[31m\\u2028b\\\"\"");
        assertThat(LogSafe.quote("x".repeat(1_000_000))).hasSizeLessThan(LogSafe.MAX + 40).endsWith("(1000000 chars)");
    }

    @Test
    @DisplayName("a model name with a newline is one escaped log line; 200 unknown 1 MB names write a few lines, not 200 MB")
    void unknownModels() throws Exception {
        PriceCatalog catalog = PriceCatalog.withOverrides(Map.of());
        String one = stderrOf(() -> catalog.find("my-model\n12:00:00.000 [ERROR] forged: admin logged in"));
        assertThat(one.lines().filter(l -> !l.isBlank()).toList()).hasSize(1);
        assertThat(one).contains("my-model\\n12:00:00.000 [ERROR] forged");
        String many = stderrOf(() -> {
            for (int i = 0; i < 200; i++) {
                catalog.find(i + "\n" + "m".repeat(1_000_000));
            }
            return null;
        });
        assertThat(many.length()).as("bytes logged for 200 unknown 1 MB names").isLessThan(10_000);
    }

    @Test
    @DisplayName("through HTTP: 200 requests with 1 MB model names containing newlines write almost nothing to the log")
    void badRequests() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("flood");
            String log = stderrOf(() -> {
                for (int i = 0; i < 200; i++) {
                    ObjectNode body = Json.object().put("model", i + "\n[INFO] forged " + "m".repeat(1_000_000 - 100));
                    body.putArray("messages").addObject().put("role", "user").put("content", "hi");
                    assertThat(gw.http().post("/v1/chat/completions", body, Http.bearer(key)).status()).isEqualTo(400);
                }
                return null;
            });
            assertThat(log.length()).isLessThan(20_000);
            assertThat(log).doesNotContain("[INFO] forged");
        }
    }

    @Test
    @DisplayName("clients aborting streamed answers leave no stack traces in the log")
    void abortedConnections() throws Exception {
        SimOptions slow = SimOptions.defaults().withInterTokenDelay(Duration.ofMillis(20)).withOutputTokens(500);
        try (TestGateway gw = TestGateway.start(slow, "", Clock.systemUTC())) {
            String key = gw.createKey("abort");
            String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            int port = Integer.parseInt(gw.baseUrl().replaceAll(".*:(\\d+).*", "$1"));
            // the HTTP libraries may log through java.util.logging: record their warnings
            java.util.List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.logging.Handler recorder = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord r) {
                    if (r.getLoggerName() != null && r.getLoggerName().startsWith("io.netty")
                            && r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                        records.add(r);
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            java.util.logging.Logger.getLogger("").addHandler(recorder);
            String log = stderrOf(() -> {
                for (int i = 0; i < 20; i++) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        OutputStream out = s.getOutputStream();
                        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                                + "\r\nContent-Type: application/json\r\nContent-Length: "
                                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        InputStream in = s.getInputStream();
                        byte[] first = new byte[512];
                        assertThat(in.read(first)).isPositive(); // the stream has started
                        s.setSoLinger(true, 0); // then the client resets the connection
                    }
                }
                for (int i = 0; i < 20; i++) {
                    // or mid-body: headers announce more than is sent, then a reset
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        OutputStream out = s.getOutputStream();
                        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                                + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"model\":")
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        Thread.sleep(20);
                        s.setSoLinger(true, 0);
                    }
                }
                Thread.sleep(1_500); // the gateway notices on its next write
                return null;
            });
            java.util.logging.Logger.getLogger("").removeHandler(recorder);
            assertThat(log).doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(records.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList()).as("HTTP library warnings for aborted connections").isEmpty();
        }
    }
}
