package dev.sluice.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Many concurrent SSE streams from one thread: a non-blocking client that opens {@code streams}
 * connections at {@code perSecond}, sends one streaming chat request on each, and holds every
 * stream open until the server ends it. Per stream it records the time to the first content
 * event (TTFT) and whether the stream ended properly ({@code data: [DONE]}); meanwhile it samples
 * the server's resident memory. One thread and one 64 KB read buffer for all streams, so the
 * client itself stays small and never becomes the bottleneck of what it measures.
 */
final class StreamFlood {
    /** What a flood measured. RSS figures are in KiB; -1 when no process was sampled. */
    /**
     * @param ttft      TTFT of the streams opened during the ramp (includes any backlog the ramp builds up)
     * @param probeTtft TTFT of the probe streams, opened one at a time once all the others are open: what a
     *                  new stream waits for its first token while the gateway holds that many open streams
     * @param baselineProbeTtft TTFT of the baseline probes (every other probe, sent straight to the upstream
     *                  while the same streams are open; empty when no baseline was given): the same upstream, in
     *                  the same seconds, so the upstream's own tail is in both and the difference is the gateway's
     */
    record Result(int requested, int completed, long errors, int peakOpen, Stats ttft, Stats probeTtft,
                  Stats baselineProbeTtft, long rssBeforeKiB, long rssPeakKiB, double seconds, String firstError) {}

    /** Where the baseline probes go: the upstream itself, with its own request (its Host and headers). */
    record Baseline(String host, int port, String[] headers) {}

    private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);

    private static final class Conn {
        final byte[] request;
        long sent;
        long firstContent;
        boolean probe;
        boolean baseline;
        int status;
        boolean done;
        final byte[] tail = new byte[16];
        int tailLen;
        ByteBuffer out;

        Conn(byte[] request) {
            this.request = request;
        }
    }

    private static byte[] request(String host, int port, byte[] body, String[] headers) {
        StringBuilder head = new StringBuilder(256).append("POST /v1/chat/completions HTTP/1.1\r\nHost: ").append(host)
                .append(':').append(port).append("\r\nContent-Type: application/json\r\nContent-Length: ")
                .append(body.length).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    private StreamFlood() {}

    /**
     * @param rss      the server's resident memory in KiB, sampled while streams are open (null: none)
     * @param deadline longest time for the whole flood, after which open streams count as errors
     * @param baseline  null, or where every other probe goes instead (the upstream itself), interleaved with the
     *                  probes through the target so both kinds see the same upstream at the same moments
     */
    static Result run(String host, int port, byte[] body, String[] headers, int streams, int perSecond, int probes,
                      int probesPerSecond, LongSupplier rss, long deadlineMillis, Baseline baseline) throws IOException {
        return run(host, port, body, headers, streams, perSecond, probes, probesPerSecond, rss, deadlineMillis, baseline, null);
    }

    /** Where each probe's times go, for lining them up with another process's log (System.nanoTime is CLOCK_MONOTONIC). */
    interface ProbeSink {
        /** @param sentNanos System.nanoTime() when the request was written; ttftNanos to its first content */
        void probe(boolean baseline, long sentNanos, long ttftNanos);

        /**
         * Once, at the end: how many reads brought the held (non-probe) streams' bytes, per 10 ms from
         * {@code startNanos} — whether the events arrive spread over each second or in bursts that a probe waits behind.
         */
        default void reads(long startNanos, int[] per10ms) {}
    }

    static Result run(String host, int port, byte[] body, String[] headers, int streams, int perSecond, int probes,
                      int probesPerSecond, LongSupplier rss, long deadlineMillis, Baseline baseline, ProbeSink sink)
            throws IOException {
        byte[] request = request(host, port, body, headers);
        byte[] baselineRequest = baseline == null ? null : request(baseline.host(), baseline.port(), body, baseline.headers());
        InetSocketAddress baselineAddress = baseline == null ? null : new InetSocketAddress(baseline.host(), baseline.port());

        Stats ttft = new Stats();
        Stats probeTtft = new Stats();
        Stats baselineProbeTtft = new Stats();
        int total = streams + probes;
        long probesFrom = -1;
        int probesOpened = 0;
        long rssBefore = rss == null ? -1 : rss.getAsLong();
        long rssPeak = rssBefore;
        long nextRssSample = 0;
        int opened = 0;
        int open = 0;
        int peakOpen = 0;
        int completed = 0;
        long errors = 0;
        String firstError = null;
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        byte[] scratch = new byte[65536 + 16];
        long start = System.nanoTime();
        long end = start + deadlineMillis * 1_000_000L;
        int[] readsPer10ms = new int[(int) Math.min(Integer.MAX_VALUE - 8, deadlineMillis / 10 + 1)];
        InetSocketAddress address = new InetSocketAddress(host, port);
        try (Selector selector = Selector.open()) {
            while (completed + errors < total) {
                long now = System.nanoTime();
                if (now > end) {
                    long left = total - completed - errors;
                    errors += left;
                    firstError = firstError == null ? left + " streams still open at the deadline" : firstError;
                    break;
                }
                // open what the ramp allows by now
                long due = Math.min(streams, (now - start) * perSecond / 1_000_000_000L + 1);
                if (opened >= streams && probesFrom < 0 && ttft.count() + errors >= streams) {
                    probesFrom = now; // every ramp stream has its first token (or failed): start probing
                }
                if (probesFrom >= 0) {
                    due = streams + Math.min(probes, (now - probesFrom) * probesPerSecond / 1_000_000_000L + 1);
                }
                while (opened < due) {
                    opened++;
                    try {
                        SocketChannel ch = SocketChannel.open();
                        ch.configureBlocking(false);
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        // probes alternate target / baseline when a baseline is given (the first goes to the target)
                        boolean probe = opened > streams;
                        boolean toBaseline = probe && baseline != null && (opened - streams) % 2 == 0;
                        Conn c = new Conn(toBaseline ? baselineRequest : request);
                        c.probe = probe;
                        c.baseline = toBaseline;
                        ch.connect(toBaseline ? baselineAddress : address);
                        ch.register(selector, SelectionKey.OP_CONNECT, c);
                        open++;
                        peakOpen = Math.max(peakOpen, open);
                    } catch (IOException e) {
                        errors++;
                        firstError = firstError == null ? "open: " + e : firstError;
                    }
                }
                if (rss != null && now >= nextRssSample) {
                    rssPeak = Math.max(rssPeak, rss.getAsLong());
                    nextRssSample = now + 100_000_000L;
                }
                selector.select(5);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn c = (Conn) key.attachment();
                    SocketChannel ch = (SocketChannel) key.channel();
                    String failure = null;
                    boolean finished = false;
                    try {
                        if (key.isConnectable()) {
                            ch.finishConnect();
                            c.out = ByteBuffer.wrap(c.request);
                            c.sent = System.nanoTime();
                            key.interestOps(SelectionKey.OP_WRITE);
                        }
                        if (key.isValid() && key.isWritable()) {
                            ch.write(c.out);
                            if (!c.out.hasRemaining()) {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        }
                        if (key.isValid() && key.isReadable()) {
                            buf.clear();
                            int n = ch.read(buf);
                            if (n < 0) {
                                failure = c.status == 0 ? "closed before the status line" : "closed before [DONE]";
                            } else if (n > 0) {
                                if (!c.probe) {
                                    readsPer10ms[(int) Math.min(readsPer10ms.length - 1, (System.nanoTime() - start) / 10_000_000L)]++;
                                }
                                buf.flip();
                                System.arraycopy(c.tail, 0, scratch, 0, c.tailLen);
                                buf.get(scratch, c.tailLen, n);
                                int len = c.tailLen + n;
                                if (c.status == 0 && len >= 12) {
                                    c.status = (scratch[9] - '0') * 100 + (scratch[10] - '0') * 10 + (scratch[11] - '0');
                                    if (c.status != 200) {
                                        failure = "status " + c.status;
                                    }
                                }
                                if (failure == null && c.firstContent == 0) {
                                    int at = indexOf(scratch, len, CONTENT, 0);
                                    while (at >= 0 && at + CONTENT.length < len && scratch[at + CONTENT.length] == '"') {
                                        at = indexOf(scratch, len, CONTENT, at + 1);
                                    }
                                    if (at >= 0 && at + CONTENT.length < len) {
                                        c.firstContent = System.nanoTime();
                                        (c.baseline ? baselineProbeTtft : c.probe ? probeTtft : ttft).add(c.firstContent - c.sent);
                                        if (sink != null && c.probe) {
                                            sink.probe(c.baseline, c.sent, c.firstContent - c.sent);
                                        }
                                    }
                                }
                                if (failure == null && indexOf(scratch, len, DONE, 0) >= 0) {
                                    c.done = true;
                                    finished = true;
                                }
                                c.tailLen = Math.min(c.tail.length, len);
                                System.arraycopy(scratch, len - c.tailLen, c.tail, 0, c.tailLen);
                            }
                        }
                    } catch (IOException e) {
                        failure = e.toString();
                    }
                    if (failure != null || finished) {
                        key.cancel();
                        try {
                            ch.close();
                        } catch (IOException ignored) {
                            // teardown
                        }
                        open--;
                        if (finished && c.firstContent != 0) {
                            completed++;
                        } else {
                            errors++;
                            firstError = firstError == null ? (failure == null ? "no content before [DONE]" : failure)
                                    : firstError;
                        }
                    }
                }
            }
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // teardown
                }
            }
        }
        if (sink != null) {
            sink.reads(start, readsPer10ms);
        }
        return new Result(streams, completed, errors, peakOpen, ttft, probeTtft, baselineProbeTtft, rssBefore, rssPeak,
                (System.nanoTime() - start) / 1e9, firstError);
    }

    private static int indexOf(byte[] hay, int len, byte[] needle, int from) {
        outer:
        for (int i = from; i <= len - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
