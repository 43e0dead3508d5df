package dev.sluice.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.server.ConnectionLimits;
import dev.sluice.server.Dispatcher;
import dev.sluice.server.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestThreadsTest {

    @Test
    @DisplayName("a request's virtual thread runs on the event loop that read it, before and after it blocks")
    void requestThreadsRunOnTheirLoop() throws Exception {
        Transport.Listening server = start(call -> {
                    String before = carrier();
                    try {
                        Thread.sleep(2); // parks: the thread resumes through its scheduler
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    String body = Thread.currentThread().isVirtual() + " " + before + " " + carrier();
                    call.send(200, "text/plain", body.getBytes(StandardCharsets.UTF_8));
                });
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (int i = 0; i < 4; i++) {
                String[] got = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body().split(" ");
                assertThat(got[0]).isEqualTo("true");
                assertThat(got[1]).startsWith("sluice-io-");
                assertThat(got[2]).isEqualTo(got[1]); // the same loop after the park
            }
        } finally {
            server.stop();
        }
    }

    @Test
    @DisplayName("a request with a large, chunked or compressed body runs off the loops, so its work cannot stall the loop's other connections")
    void largeBodiesRunOffTheLoop() throws Exception {
        Transport.Listening server = start(call -> {
                    String before = carrier();
                    byte[] body = call.body(1 << 20);
                    call.send(200, "text/plain", (before + " " + carrier() + " " + body.length).getBytes(StandardCharsets.UTF_8));
                });
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            byte[] small = new byte[(int) RequestThreads.LOOP_BODY_LIMIT];
            byte[] large = new byte[(int) RequestThreads.LOOP_BODY_LIMIT + 1];
            String[] got = post(client, uri, HttpRequest.BodyPublishers.ofByteArray(small));
            assertThat(got[0]).startsWith("sluice-io-");
            assertThat(got[2]).isEqualTo(String.valueOf(small.length));
            got = post(client, uri, HttpRequest.BodyPublishers.ofByteArray(large));
            assertThat(got[0]).doesNotStartWith("sluice-io-");
            assertThat(got[1]).doesNotStartWith("sluice-io-"); // nor after the park for the rest of the body
            assertThat(got[2]).isEqualTo(String.valueOf(large.length));
            // no Content-Length: the JDK client sends a publisher of unknown length chunked
            got = post(client, uri, HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(small)));
            assertThat(got[0]).doesNotStartWith("sluice-io-");
            assertThat(got[2]).isEqualTo(String.valueOf(small.length));
            // compressed: its size once inflated is unknown until it is read
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
                gzip.write(new byte[100]);
            }
            got = post(client, uri, HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()), "Content-Encoding", "gzip");
            assertThat(got[0]).doesNotStartWith("sluice-io-");
            assertThat(got[2]).isEqualTo("100");
        } finally {
            server.stop();
        }
    }

    private static Transport.Listening start(dev.sluice.server.HttpHandler handler) {
        return new NettyTransport().start("127.0.0.1", 0, new ConnectionLimits(java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(30), 0), Dispatcher.of(handler));
    }

    private static String[] post(HttpClient client, URI uri, HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().split(" ");
    }

    /** The carrier's name as the JDK prints it after a virtual thread's own ("VirtualThread[#n,name]/runnable@carrier"). */
    private static String carrier() {
        String s = Thread.currentThread().toString();
        return s.substring(s.indexOf('@') + 1);
    }
}
