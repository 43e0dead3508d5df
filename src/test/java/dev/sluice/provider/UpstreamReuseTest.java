package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Kept-alive upstream connections")
class UpstreamReuseTest {
    private static final String ANSWER = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,\
            "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    /**
     * An HTTP/1.1 upstream on raw sockets: it answers the first request of each connection (keeping it open) and
     * closes a connection on any later request without answering it, as a server whose idle timeout passed does.
     */
    static final class ClosingUpstream implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<byte[]> received = new CopyOnWriteArrayList<>();

        ClosingUpstream() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (int n = 0; ; n++) {
                    byte[] request = readRequest(in);
                    if (request == null) {
                        return;
                    }
                    received.add(request);
                    if (n > 0) {
                        return; // closed without an answer
                    }
                    byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the gateway went away
            }
        }

        /** One request's bytes as they came (head and body), or null at the end of the connection. */
        private static byte[] readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String h = head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            int at = h.indexOf("content-length:");
            int length = at < 0 ? 0 : Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).strip());
            head.write(in.readNBytes(length));
            return head.toByteArray();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    @DisplayName("a request sent on a pooled connection the upstream closes is sent again, byte for byte, on a new one")
    void staleConnectionRetriedWithTheSameBytes() throws Exception {
        try (ClosingUpstream upstream = new ClosingUpstream();
             TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                     providers:
                       raw:
                         type: openai
                         base_url: http://127.0.0.1:%d/v1
                         api_key: sk-raw-upstream
                         timeout: 5s
                     models:
                       gpt-4o-mini:
                         provider: raw
                     """.formatted(upstream.server.getLocalPort()), Clock.systemUTC())) {
            String key = gw.createKey("reuse");
            for (int i = 0; i < 2; i++) {
                Http.Response r = gw.http().post("/v1/chat/completions",
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello " + i + "\"}]}",
                        Http.bearer(key));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().path("choices").path(0).path("message").path("content").asText()).isEqualTo("hi");
            }
            // the first request; the second on the kept connection (closed unanswered); the second again, fresh
            assertThat(upstream.received).hasSize(3);
            String resent = new String(upstream.received.get(2), StandardCharsets.UTF_8);
            assertThat(resent).startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
                    .contains("authorization: Bearer sk-raw-upstream\r\n").endsWith("\"content\":\"hello 1\"}]}");
            assertThat(upstream.received.get(2)).isEqualTo(upstream.received.get(1));
        }
    }
}
