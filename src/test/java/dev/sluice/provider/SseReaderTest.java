package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SseReader reads events whatever the line endings and however the bytes arrive")
class SseReaderTest {

    /** Hands out at most {@code step} bytes per read, as a slow network would. */
    static InputStream trickle(String text, int step) {
        ByteArrayInputStream all = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return new InputStream() {
            @Override
            public int read() {
                return all.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return all.read(b, off, Math.min(len, step));
            }
        };
    }

    static List<SseReader.Event> events(InputStream in) throws IOException {
        List<SseReader.Event> out = new ArrayList<>();
        try (SseReader r = new SseReader(in)) {
            SseReader.Event e;
            while ((e = r.next()) != null) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    @DisplayName("LF, CRLF and CR endings; comments; event names; multi-line data; a last event without its blank line")
    void lineEndings() throws IOException {
        String text = ": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\r\n\r\ndata: line one\rdata: line two\r\rdata: [DONE]";
        for (int step : new int[] {1, 2, 3, 7, 4096}) {
            List<SseReader.Event> e = events(trickle(text, step));
            assertThat(e).as("step %d", step).containsExactly(
                    new SseReader.Event("message_start", "{\"a\":1}"),
                    new SseReader.Event(null, "line one\nline two"),
                    new SseReader.Event(null, "[DONE]"));
        }
    }

    @Test
    @DisplayName("multi-byte UTF-8 split across reads, and lines far longer than the initial buffer")
    void utf8AndLongLines() throws IOException {
        String emoji = "naïve café 日本語 🚀".repeat(200);
        String text = "data: " + emoji + "\n\ndata: " + "x".repeat(100_000) + "\n\n";
        List<SseReader.Event> e = events(trickle(text, 5));
        assertThat(e).hasSize(2);
        assertThat(e.get(0).data()).isEqualTo(emoji);
        assertThat(e.get(1).data()).hasSize(100_000);
    }

    @Test
    @DisplayName("an empty body has no events; a field without a colon is a field with an empty value")
    void edges() throws IOException {
        assertThat(events(trickle("", 1))).isEmpty();
        assertThat(events(trickle("data\n\n", 1))).containsExactly(new SseReader.Event(null, ""));
    }

    @Test
    @DisplayName("raw events carry the data's bytes exactly as they arrived, split however the reads fell")
    void rawBytes() throws IOException {
        String json = "{\"content\":\"caf\u00e9 \\\"q\\\" 日本 🚀\"}";
        String text = "event: e1\r\ndata: " + json + "\r\n\r\ndata:no-space\ndata:  two spaces\n\n";
        for (int step : new int[] {1, 3, 5, 4096}) {
            try (SseReader r = new SseReader(trickle(text, step))) {
                SseReader.RawEvent first = r.nextRaw();
                assertThat(first.event()).isEqualTo("e1");
                assertThat(first.data()).as("step %d", step).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
                assertThat(new String(r.nextRaw().data(), StandardCharsets.UTF_8)).isEqualTo("no-space\n two spaces");
                assertThat(r.nextRaw()).isNull();
            }
        }
    }

    @Test
    @DisplayName("read without blocking, piece by piece as it arrives, the events are the same; an unfinished one is kept, not lost")
    void pollAsItArrives() throws IOException {
        String json = "{\"content\":\"caf\u00e9 \\\"q\\\" 日本 🚀\"}";
        String text = ": hi\n\nevent: e1\r\ndata: " + json + "\r\n\r\ndata: a\rdata: b\r\rdata:last";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int step : new int[] {1, 2, 5, 4096}) {
            io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
            dev.sluice.server.netty.ByteBufQueueInput in = new dev.sluice.server.netty.ByteBufQueueInput(channel, 1 << 20, 0, null);
            List<String> got = new ArrayList<>();
            int pending = 0;
            try (SseReader r = new SseReader(in)) {
                assertThat(r.pollable()).isTrue();
                for (int at = 0; at < bytes.length; at += step) {
                    in.offer(io.netty.buffer.Unpooled.wrappedBuffer(bytes, at, Math.min(step, bytes.length - at)), false);
                    SseReader.RawEvent e;
                    while ((e = r.pollRaw()) != SseReader.PENDING) {
                        got.add(e.event() + "=" + new String(e.data(), StandardCharsets.UTF_8));
                    }
                    pending++;
                }
                in.end();
                SseReader.RawEvent e;
                while ((e = r.pollRaw()) != null) {
                    assertThat(e).isNotSameAs(SseReader.PENDING);
                    got.add(e.event() + "=" + new String(e.data(), StandardCharsets.UTF_8));
                }
            }
            assertThat(got).as("step %d", step).containsExactly("e1=" + json, "null=a\nb", "null=last");
            assertThat(pending).isPositive();
        }
    }
}
