package dev.sluice.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The event loop's bytes as a blocking stream (request bodies, upstream responses)")
class ByteBufQueueInputTest {

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    /** Starts a reader on a virtual thread that reads until the end; its result is what it read, or its failure. */
    private static CompletableFuture<String> reader(ByteBufQueueInput in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    @Test
    @DisplayName("pieces are read in order, then the end; each piece is released once read")
    void readsPiecesThenEnd() throws Exception {
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, null);
        ByteBuf a = bytes("hello ");
        ByteBuf b = bytes("world");
        in.offer(a, false);
        in.offer(b, true);
        assertThat(in.complete()).isTrue();
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(in.read()).isEqualTo(-1);
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
    }

    @Test
    @DisplayName("a reader blocked waiting for bytes wakes with an IOException when another thread closes the stream")
    void closeWakesABlockedReader() throws Exception {
        AtomicInteger abandoned = new AtomicInteger();
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, abandoned::incrementAndGet);
        in.offer(bytes("part"), false);
        CompletableFuture<String> read = reader(in);
        Thread.sleep(50); // the reader has taken "part" and waits for more (it cannot finish either way)
        assertThat(read).isNotDone();
        in.close();
        assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThat(abandoned).as("closed before the end: the connection is given up").hasValue(1);
    }

    @Test
    @DisplayName("a reader blocked on a request body wakes with the failure when the connection closes")
    void failWakesABlockedReader() throws Exception {
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, null);
        CompletableFuture<String> read = reader(in);
        in.fail(new IOException("the client went away: reset"));
        assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("the client went away");
        assertThat(in.complete()).isFalse();
        assertThatThrownBy(in::read).as("the failure is sticky").isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("a read that waits longer than the timeout fails with SocketTimeoutException and gives the connection up")
    void timeout() {
        AtomicInteger abandoned = new AtomicInteger();
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, TimeUnit.MILLISECONDS.toNanos(20),
                abandoned::incrementAndGet);
        assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        assertThat(abandoned).hasValue(1);
    }

    @Test
    @DisplayName("with the timeout kept on the event loop, a parked reader fails with SocketTimeoutException the same way;"
            + " a stream that ends in time cancels the loop's timer")
    void timeoutOnTheLoop() throws Exception {
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            io.netty.channel.Channel channel = new io.netty.channel.socket.nio.NioSocketChannel();
            group.register(channel).sync();
            AtomicInteger abandoned = new AtomicInteger();
            ByteBufQueueInput slow = new ByteBufQueueInput(channel, 1024, TimeUnit.MILLISECONDS.toNanos(50),
                    abandoned::incrementAndGet);
            slow.timeoutOnLoop();
            channel.eventLoop().execute(slow::startTimer);
            CompletableFuture<String> read = reader(slow);
            assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketTimeoutException.class);
            slow.close();
            assertThat(abandoned).as("ended by the timeout, not complete: the connection is given up").hasValue(1);

            ByteBufQueueInput quick = new ByteBufQueueInput(channel, 1024, TimeUnit.SECONDS.toNanos(60), null);
            quick.timeoutOnLoop();
            CompletableFuture<String> answer = reader(quick);
            channel.eventLoop().submit(() -> {
                quick.startTimer();
                quick.offer(bytes("answer"), true);
            }).sync();
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("answer");
            int scheduled = channel.eventLoop().submit(() -> {
                // the loop's own scheduled tasks (none of this channel's): the stream's timer is gone
                java.lang.reflect.Method m = io.netty.util.concurrent.AbstractScheduledEventExecutor.class
                        .getDeclaredMethod("hasScheduledTasks");
                m.setAccessible(true);
                return (Boolean) m.invoke(channel.eventLoop()) ? 1 : 0;
            }).get();
            assertThat(scheduled).as("the ended stream's timer was cancelled").isZero();
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    @DisplayName("past the high-water mark the channel stops reading, and reads again once half is consumed")
    void backPressure() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ByteBufQueueInput in = new ByteBufQueueInput(channel, 10, 0, null);
        in.offer(bytes("123456"), false);
        assertThat(channel.config().isAutoRead()).isTrue();
        in.offer(bytes("789012"), false);
        assertThat(channel.config().isAutoRead()).as("12 bytes queued, over 10").isFalse();
        byte[] buf = new byte[6];
        assertThat(in.read(buf)).as("takes the first piece").isEqualTo(6);
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("6 bytes still queued, not under half of 10").isFalse();
        assertThat(in.read(buf, 0, 2)).as("takes the second piece").isEqualTo(2);
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("nothing queued").isTrue();
    }

    @Test
    @DisplayName("closing frees every queued piece, and pieces offered afterwards are released at once")
    void closeReleases() {
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, null);
        ByteBuf queued = bytes("queued");
        in.offer(queued, false);
        in.close();
        assertThat(queued.refCnt()).isZero();
        ByteBuf late = bytes("late");
        in.offer(late, true);
        assertThat(late.refCnt()).isZero();
    }

    @Test
    @DisplayName("an item queued before the bytes (a response head) is taken first; an end before any item gives null")
    void items() throws Exception {
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, null);
        in.offerItem("head");
        in.offer(bytes("body"), true);
        assertThat(in.nextItem()).isEqualTo("head");
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("body");
        ByteBufQueueInput empty = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, null);
        empty.end();
        assertThat(empty.nextItem()).isNull();
    }

    @Test
    @DisplayName("a reader that waits for every piece while another thread offers them one at a time gets all of them, in order")
    void noWakeUpIsLost() throws Exception {
        // one piece per wait, as an SSE stream's reader sees them: a wake-up lost between the reader's
        // last look at the queue and its park would leave the reader waiting for a piece already queued
        for (int round = 0; round < 20; round++) {
            ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1 << 20, 0, null);
            CompletableFuture<String> read = reader(in);
            StringBuilder want = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                String piece = i + ",";
                want.append(piece);
                in.offer(bytes(piece), false);
                if (i % 7 == 0) {
                    Thread.onSpinWait();
                }
            }
            in.end();
            assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(want.toString());
        }
    }

    @Test
    @DisplayName("a reader interrupted while it waits fails with InterruptedIOException, keeps its interrupt and gives the connection up")
    void interruptWakesAWaitingReader() throws Exception {
        AtomicInteger abandoned = new AtomicInteger();
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, abandoned::incrementAndGet);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                in.read();
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        Thread.sleep(50); // the reader waits: nothing was offered
        t.interrupt();
        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(java.io.InterruptedIOException.class);
        assertThat(stillInterrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(abandoned).hasValue(1);
    }

    @Test
    @DisplayName("a reader that does not block gets what has arrived, 0 while nothing has, then the end; it hears of each arrival")
    void readNowAndOnReady() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ByteBufQueueInput in = new ByteBufQueueInput(channel, 1024, 0, null);
        AtomicInteger told = new AtomicInteger();
        in.onReady(told::incrementAndGet);
        assertThat(told).as("nothing there yet: not told at registration").hasValue(0);
        byte[] buf = new byte[4];
        assertThat(in.readNow(buf, 0, 4)).isZero();
        ByteBuf piece = bytes("abcdef");
        in.offer(piece, false);
        assertThat(told).hasValue(1);
        assertThat(in.readNow(buf, 0, 4)).isEqualTo(4);
        assertThat(in.readNow(buf, 0, 4)).isEqualTo(2);
        assertThat(new String(buf, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("ef");
        assertThat(in.readNow(buf, 0, 4)).isZero();
        assertThat(piece.refCnt()).as("released once read").isZero();
        in.end();
        assertThat(told).hasValue(2);
        assertThat(in.readNow(buf, 0, 4)).isEqualTo(-1);
        assertThat(in.readNow(buf, 0, 4)).as("the end is sticky").isEqualTo(-1);
    }

    @Test
    @DisplayName("a reader that does not block is told when another thread closes the stream, and its next read fails")
    void readNowAfterClose() throws Exception {
        AtomicInteger abandoned = new AtomicInteger();
        ByteBufQueueInput in = new ByteBufQueueInput(new EmbeddedChannel(), 1024, 0, abandoned::incrementAndGet);
        AtomicInteger told = new AtomicInteger();
        in.onReady(told::incrementAndGet);
        ByteBuf piece = bytes("queued");
        in.offer(piece, false);
        Thread closer = Thread.ofVirtual().start(in::close);
        closer.join();
        assertThat(told).hasValue(2);
        assertThat(piece.refCnt()).isZero();
        assertThat(abandoned).hasValue(1);
        assertThatThrownBy(() -> in.readNow(new byte[4], 0, 4)).isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("a reader that does not block and finds nothing for longer than the timeout gets a SocketTimeoutException")
    void readNowTimeout() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        ByteBufQueueInput in = new ByteBufQueueInput(channel, 1024, TimeUnit.MILLISECONDS.toNanos(20), null);
        AtomicInteger told = new AtomicInteger();
        in.onReady(told::incrementAndGet);
        byte[] buf = new byte[4];
        in.offer(bytes("ab"), false);
        assertThat(in.readNow(buf, 0, 4)).as("pieces that keep coming keep it alive").isEqualTo(2);
        assertThat(in.readNow(buf, 0, 4)).isZero();
        Thread.sleep(60);
        channel.runScheduledPendingTasks();
        assertThat(told).as("told of the timeout").hasValue(2);
        assertThatThrownBy(() -> in.readNow(buf, 0, 4)).isInstanceOf(SocketTimeoutException.class);
    }
}
