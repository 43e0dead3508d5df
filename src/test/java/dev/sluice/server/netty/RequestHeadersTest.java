package dev.sluice.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestHeadersTest {
    /** What {@link NettyCall#headers()} was before it skipped the string copies: the reference. */
    private static Map<String, String> reference(HttpRequest request) {
        Map<String, String> m = new HashMap<>(32);
        for (Map.Entry<String, String> h : request.headers()) {
            m.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        return m;
    }

    private static HttpRequest decode(String head) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder());
        ch.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
        HttpRequest r = ch.readInbound();
        ch.finishAndReleaseAll();
        return r;
    }

    @Test
    @DisplayName("request headers as a map: the same names, values, first-value-wins and iteration order as before")
    void sameMapAsBefore() {
        List<String> heads = new ArrayList<>(List.of(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                        + "Authorization: Bearer sk-1\r\nUser-Agent: wrk\r\n\r\n",
                "POST / HTTP/1.1\r\nHOST: a\r\nhost: b\r\nX-Request-ID: r1\r\nx-request-id: r2\r\nTRACEPARENT: 00-a-b-01\r\n"
                        + "X-Sluice-Tags: a=b\r\nX-Stainless-OS: Linux\r\nX-Custom-Thing: v\r\nx-custom-thing: w\r\n\r\n",
                "GET / HTTP/1.1\r\nX-\u00c0Bc: latin\r\nACCEPT-ENCODING: gzip\r\nHosts: not-host\r\nHos: short\r\n\r\n"));
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 40; i++) {
            many.append(i % 2 == 0 ? "X-H" : "x-h").append(i % 7).append(": v").append(i).append("\r\n");
        }
        heads.add(many.append("\r\n").toString());
        for (String head : heads) {
            HttpRequest r = decode(head);
            NettyCall call = new NettyCall(new EmbeddedChannel(), r, "/", "/", "", false, true, false);
            Map<String, String> expected = reference(r);
            assertThat(call.headers()).isEqualTo(expected);
            assertThat(List.copyOf(call.headers().entrySet())).containsExactlyElementsOf(expected.entrySet());
        }
    }

    @Test
    @DisplayName("a header name is lower-cased as String.toLowerCase(ROOT) does, known names or not, any Latin-1 case")
    void lowerCaseNames() {
        for (String known : new String[] {"Host", "CONTENT-TYPE", "Authorization", "x-STAINLESS-os", "X-Request-Id"}) {
            assertThat(NettyCall.lowerCaseName(new io.netty.util.AsciiString(known)))
                    .isEqualTo(known.toLowerCase(Locale.ROOT));
            assertThat(NettyCall.lowerCaseName(known)).isEqualTo(known.toLowerCase(Locale.ROOT));
        }
        for (int c = 0; c < 256; c++) {
            String name = "hos" + (char) c;
            assertThat(NettyCall.lowerCaseName(new io.netty.util.AsciiString(name.getBytes(StandardCharsets.ISO_8859_1))))
                    .as("char %d", c).isEqualTo(name.toLowerCase(Locale.ROOT));
        }
    }
}
