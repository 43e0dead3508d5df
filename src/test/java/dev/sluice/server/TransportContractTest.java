package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the transport itself guarantees on the wire, tested with raw bytes over a socket. */
@DisplayName("Transport contract on the wire: pipelining, malformed headers, gzip bombs, too-long lines")
class TransportContractTest {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), "metrics: {}\n", Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** Sends raw bytes, then reads until the server closes or {@code responses} complete answers have come. */
    static String exchange(byte[] raw, int responses) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gw.gateway().port())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(raw);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (count(got.toString(StandardCharsets.ISO_8859_1)) < responses || !complete(got.toString(StandardCharsets.ISO_8859_1))) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static int count(String s) {
        int n = 0;
        for (int i = s.indexOf("HTTP/1.1 "); i >= 0; i = s.indexOf("HTTP/1.1 ", i + 1)) {
            n++;
        }
        return n;
    }

    /** Whether the last answer's body (Content-Length) has fully arrived. */
    private static boolean complete(String s) {
        int head = s.lastIndexOf("HTTP/1.1 ");
        int end = s.indexOf("\r\n\r\n", head);
        if (head < 0 || end < 0) {
            return false;
        }
        String headers = s.substring(head, end).toLowerCase();
        int cl = headers.indexOf("content-length:");
        if (cl < 0) {
            return true;
        }
        int length = Integer.parseInt(headers.substring(cl + 15).split("\r\n")[0].trim());
        return s.length() - (end + 4) >= length;
    }

    @Test
    @DisplayName("pipelined requests in one write are answered in order, each once")
    void pipelining() throws Exception {
        String key = gw.createKey("pipeline");
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String chat = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nx-request-id: pipe-1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        String raw = chat + "GET /health/live HTTP/1.1\r\nHost: x\r\nx-request-id: pipe-2\r\n\r\n"
                + "GET /nowhere HTTP/1.1\r\nHost: x\r\nx-request-id: pipe-3\r\n\r\n";
        String got = exchange(raw.getBytes(StandardCharsets.US_ASCII), 3);
        assertThat(count(got)).isEqualTo(3);
        int first = got.indexOf("x-request-id: pipe-1");
        int second = got.indexOf("x-request-id: pipe-2");
        int third = got.indexOf("x-request-id: pipe-3");
        assertThat(first).isPositive().isLessThan(second);
        assertThat(second).isLessThan(third);
        assertThat(got).contains("\"chat.completion\"").contains("\"status\":\"live\"").contains("HTTP/1.1 404");
    }

    /** Reads one whole answer (head and Content-Length body) from a kept-alive connection: its status and body. */
    private static String[] readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed");
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
        assertThat(m.find()).as(h).isTrue();
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        return new String[] {h.substring(9, 12), new String(body, StandardCharsets.UTF_8)};
    }

    @Test
    @DisplayName("on one kept-alive connection, each request sent the moment the previous answer arrived: a key with"
            + " concurrency 1 is never refused, and /metrics asked right after an answer counts it")
    void nextRequestAfterAnAnswerSeesItFinished() throws Exception {
        com.fasterxml.jackson.databind.JsonNode created = gw.createKey(dev.sluice.api.Json.object().put("name", "one-at-a-time")
                .set("limits", dev.sluice.api.Json.object().put("concurrency", 1)));
        String key = created.path("key").asText();
        String keyId = created.path("id").asText();
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        byte[] chat = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] metrics = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        java.util.regex.Pattern series = java.util.regex.Pattern.compile(
                "(?m)^sluice_requests_total\\{[^}]*key=\"" + java.util.regex.Pattern.quote(keyId) + "\"[^}]*} ([0-9.eE+]+)$");
        try (Socket s = new Socket("127.0.0.1", gw.gateway().port())) {
            s.setSoTimeout(15_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            for (int i = 1; i <= 60; i++) {
                out.write(chat);
                out.flush();
                String[] answer = readAnswer(in);
                assertThat(answer[0]).as("request %d: %s", i, answer[1]).isEqualTo("200");
                if (i % 10 == 0) {
                    out.write(metrics);
                    out.flush();
                    String[] scrape = readAnswer(in);
                    assertThat(scrape[0]).isEqualTo("200");
                    double counted = 0;
                    for (java.util.regex.Matcher m = series.matcher(scrape[1]); m.find(); ) {
                        counted += Double.parseDouble(m.group(1));
                    }
                    assertThat(counted).as("answers counted after answer %d", i).isEqualTo(i);
                }
            }
        }
    }

    @Test
    @DisplayName("a CR or LF inside a header line, or a header without a colon, is a 400 in the OpenAI format, then close")
    void malformedHeaders() throws Exception {
        for (String bad : new String[] {
            "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Bad: a\rInjected: b\r\n\r\n",
            "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Bad\r\n\r\n",
            "GET /health/live HTTP/1.1\r\nHost: x\r\nX Bad: y\r\n\r\n"}) {
            String got = exchange(bad.getBytes(StandardCharsets.US_ASCII), 1);
            assertThat(got).as(bad).startsWith("HTTP/1.1 400").contains("\"type\":\"invalid_request_error\"");
        }
    }

    @Test
    @DisplayName("a request line over the limit is a 414, headers over the limit a 431, both in the OpenAI format")
    void tooLong() throws Exception {
        String line = exchange(("GET /health/live?q=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), 1);
        assertThat(line).startsWith("HTTP/1.1 414").contains("uri_too_long");
        String headers = exchange(("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), 1);
        assertThat(headers).startsWith("HTTP/1.1 431").contains("headers_too_large");
    }

    @Test
    @DisplayName("a small gzip body that inflates past the body limit (1 MB here) is a 413; a broken one a 400; br a 400")
    void gzip() throws Exception {
        String key = gw.createKey("gzip");
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(zipped)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                z.write(zeros); // 8 MB of zeros: about 8 KB compressed
            }
        }
        assertThat(zipped.size()).isLessThan(64 * 1024);
        String bomb = exchange(post(key, "gzip", zipped.toByteArray()), 1);
        assertThat(bomb).startsWith("HTTP/1.1 413").contains("\"error\"");
        String broken = exchange(post(key, "gzip", "not gzip at all".getBytes(StandardCharsets.US_ASCII)), 1);
        assertThat(broken).startsWith("HTTP/1.1 400").contains("gzip");
        String brotli = exchange(post(key, "br", "{}".getBytes(StandardCharsets.US_ASCII)), 1);
        assertThat(brotli).startsWith("HTTP/1.1 400").contains("Content-Encoding");
    }

    static byte[] post(String key, String encoding, byte[] body) {
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Encoding: " + encoding + "\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
