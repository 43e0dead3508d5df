package dev.sluice.server.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Bytes a channel's event loop receives, as a blocking {@link InputStream} for one virtual thread:
 * a request body on the server, an upstream response body in the client. The event loop
 * {@link #offer}s pieces and then {@link #end}s or {@link #fail}s the stream; the reader blocks in
 * {@link #read} until there is something.
 *
 * <ul>
 *   <li><b>Back-pressure</b>: at most {@code highWater} bytes wait here; past that the channel stops
 *       reading (TCP pushes back on the sender) until the reader has consumed half of them.</li>
 *   <li><b>Wake-up</b>: a reader blocked in a read always wakes when the stream ends for any reason —
 *       the last piece, the channel closing ({@link #fail}), or {@link #close} from another thread (a
 *       watchdog ending a stream whose deadline passed) — never only when its timeout runs out.</li>
 *   <li><b>Timeout</b>: with a read timeout, a reader that waits longer gets a {@link SocketTimeoutException}. Its
 *       owner may have the timeout kept by a timer on the channel's event loop ({@link #timeoutOnLoop},
 *       {@link #startTimer}): the reader then parks without a deadline. A virtual thread's timed park hands its
 *       deadline to the JDK's delay-scheduler thread, waking it to arm the timer and again to cancel it when the
 *       answer came first: two thread wake-ups per upstream request for a timeout that almost never fires.</li>
 *   <li><b>Other items</b>: the event loop may queue a protocol object ahead of the bytes (the upstream
 *       response's status line and headers), which the reader takes with {@link #nextItem}.</li>
 * </ul>
 * Pieces are released as soon as they are read, and whatever is still queued when the stream is
 * closed.
 *
 * <p>Instead of blocking, a reader may {@link #readNow} what has arrived and register {@link #onReady}
 * to hear when more has (an event loop forwarding a stream as it arrives, without a thread parked per
 * piece). The read timeout then runs on the channel's event loop while the reader finds nothing.
 */
public final class ByteBufQueueInput extends InputStream {
    private static final Object END = new Object();
    /**
     * Queued by {@link #close}; a reader that takes it gets an {@link IOException} made then. Every request
     * closes its body and its upstream answer, and a ready-made exception per close (its stack trace filled
     * on a deep virtual-thread stack) was ~3% of a chat request's bytes and CPU samples, for nobody.
     */
    private static final Object CLOSED = new Object();

    private final Channel channel;
    private final int highWater;
    private final long timeoutNanos;
    private final Runnable abandon;
    /**
     * One reader, any number of writers (the event loop; a watchdog's {@link #close}). Not a
     * {@code LinkedBlockingQueue}: its {@code add} takes the reader's lock to signal it, so an event
     * loop could wait for a reader's carrier that the OS had descheduled, and each timed wait made a
     * condition node and parked two frames deeper (the frozen stack of every open stream's thread,
     * once per SSE event). The reader parks itself and the writers unpark it.
     */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** The reader while it is parked in {@link #take}, so that writers know whom to wake. */
    private volatile Thread waiter;
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean paused;
    private volatile boolean ended;
    private volatile boolean complete;
    private volatile boolean closed;
    private ByteBuf current;
    /** What the stream ended with, once the reader saw it: {@link #END}, {@link #CLOSED} or a failure; sticky. */
    private Object last;
    /** Run after each item is queued, for a reader that does not block ({@link #onReady}). */
    private volatile Runnable ready;
    /** {@link System#nanoTime()} (odd) since when a reader (parked, or non-blocking) has found nothing, or 0. */
    private volatile long waitingSince;
    /** The read timeout is kept by {@link #timer} on the event loop: a blocking reader parks without a deadline. */
    private volatile boolean loopTimeout;
    /** The event loop's read-timeout timer while armed, else null. */
    private volatile io.netty.util.concurrent.ScheduledFuture<?> timer;

    /**
     * @param timeoutNanos the longest a read waits for the next piece; 0 or less: no limit
     * @param abandon      run when the reader gives up before the whole stream arrived (a timeout, an interrupt,
     *                     closed early or after a failure),
     *                     e.g. to close a connection that cannot be reused; may be null
     */
    public ByteBufQueueInput(Channel channel, int highWater, long timeoutNanos, Runnable abandon) {
        this.channel = channel;
        this.highWater = highWater;
        this.timeoutNanos = timeoutNanos;
        this.abandon = abandon;
    }

    // ---- the event loop's side

    /** A piece of the stream (the caller's reference passes to this stream); {@code last} ends it. */
    public void offer(ByteBuf piece, boolean lastPiece) {
        if (closed || ended) {
            piece.release();
        } else if (piece.isReadable()) {
            if (queued.addAndGet(piece.readableBytes()) > highWater && !lastPiece) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            put(piece);
        } else {
            piece.release();
        }
        if (lastPiece) {
            end();
        }
    }

    /** Queues a non-byte item for {@link #nextItem} (e.g. a response head). */
    public void offerItem(Object item) {
        if (closed) {
            ReferenceCountUtil.release(item);
        } else {
            put(item);
        }
    }

    /** The stream is complete: the reader gets what is queued, then the end. */
    public void end() {
        if (!ended) {
            ended = true;
            complete = true;
            stopTimer();
            put(END);
        }
    }

    /** The stream broke (the connection closed or failed): the reader gets what is queued, then {@code cause}. */
    public void fail(Throwable cause) {
        if (!ended) {
            ended = true;
            stopTimer();
            put(cause == null ? new IOException("the connection failed") : cause);
        }
    }

    /** Whether the stream has ended (complete or failed) on the event loop's side. */
    public boolean ended() {
        return ended;
    }

    /** Whether the whole stream arrived (it ended with {@link #end}, not a failure). */
    public boolean complete() {
        return complete;
    }

    /** Whether the stream was closed by its reader (or a watchdog) before it ended. */
    public boolean closed() {
        return closed;
    }

    /** Lets the channel read again when the reader has caught up (when the channel is reused, for instance). */
    public void resume() {
        if (paused) {
            paused = false;
            if (channel.eventLoop().inEventLoop()) {
                channel.config().setAutoRead(true);
            } else {
                channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
            }
        }
    }

    // ---- the reader's side

    /**
     * The next queued item that is not a piece of the stream (pieces before it are dropped), or null
     * when the stream ended first. A failure is thrown as an {@link IOException}.
     */
    public Object nextItem() throws IOException {
        while (true) {
            Object o = take();
            if (o instanceof ByteBuf b) {
                consumed(b);
                b.release();
            } else if (o == END || o == CLOSED || o instanceof Throwable) {
                endWith(o);
                return null;
            } else {
                return o;
            }
        }
    }

    private Object take() throws IOException {
        if (last != null) {
            return last;
        }
        if (Thread.currentThread().isInterrupted()) {
            giveUp();
            throw new InterruptedIOException("interrupted while waiting for the connection");
        }
        Object o = queue.poll();
        if (o != null) {
            return o;
        }
        boolean onLoop = loopTimeout;
        long deadline = timeoutNanos > 0 && !onLoop ? System.nanoTime() + timeoutNanos : 0;
        if (onLoop) {
            waitingSince = System.nanoTime() | 1; // the loop's timer fails the stream once this is too long ago
        }
        waiter = Thread.currentThread();
        try {
            // a writer adds, then unparks the waiter it sees: set before the poll, so no item goes unnoticed
            while ((o = queue.poll()) == null) {
                if (Thread.currentThread().isInterrupted()) {
                    giveUp();
                    throw new InterruptedIOException("interrupted while waiting for the connection");
                }
                if (deadline == 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        giveUp();
                        throw new SocketTimeoutException("nothing arrived for " + timeoutNanos / 1_000_000 + " ms");
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
        } finally {
            waiter = null;
            if (onLoop) {
                waitingSince = 0;
            }
        }
        return o;
    }

    /** Queues {@code o} for the reader and wakes it if it waits. */
    private void put(Object o) {
        queue.add(o);
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        Runnable r = ready;
        if (r != null) {
            r.run();
        }
    }

    // ---- a reader that does not block

    /**
     * Runs {@code r} after every item queued from now on (on the thread that queued it: usually the event
     * loop, so it must not block), and once now when something is already there. With a read timeout, a
     * timer on the channel's event loop fails the stream with a {@link SocketTimeoutException} once
     * {@link #readNow} has found nothing for that long. Set it once, before reading this way.
     */
    public void onReady(Runnable r) {
        ready = r;
        if (timeoutNanos > 0 && timer == null) {
            loopTimeout = true;
            timer = channel.eventLoop().schedule(this::checkIdle, timeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        if (!queue.isEmpty() || last != null || closed) {
            r.run();
        }
    }

    /**
     * The read timeout will be kept by a timer on the channel's event loop, which the owner starts there with
     * {@link #startTimer} (in the same loop task that sends the request, so arming it wakes nobody): from now on a
     * blocking reader parks without a deadline. Call before the first read; no effect without a read timeout.
     */
    public void timeoutOnLoop() {
        if (timeoutNanos > 0) {
            loopTimeout = true;
        }
    }

    /** On the event loop: arms the read-timeout timer of {@link #timeoutOnLoop} (once; never after the end). */
    public void startTimer() {
        if (loopTimeout && timer == null && !ended && !closed) {
            timer = channel.eventLoop().schedule(this::checkIdle, timeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Cancels the timer: on the loop it leaves the loop's queue at once, from elsewhere lazily (no wake-up). */
    private void stopTimer() {
        io.netty.util.concurrent.ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }

    /** On the event loop: the read timeout of a loop-timed reader; re-armed until the stream ends. */
    private void checkIdle() {
        if (ended || closed) {
            timer = null;
            return;
        }
        long since = waitingSince;
        long now = System.nanoTime();
        if (since != 0 && now - since >= timeoutNanos) {
            timer = null;
            fail(new SocketTimeoutException("nothing arrived for " + timeoutNanos / 1_000_000 + " ms"));
            return;
        }
        long next = since == 0 ? timeoutNanos : timeoutNanos - (now - since);
        timer = channel.eventLoop().schedule(this::checkIdle, Math.max(next, 1_000_000),
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * Reads what has arrived without waiting: 0 when nothing has yet (and the stream has not ended), -1 at
     * its end; a failure, or the stream closed, throws as {@link #read} does. Synchronised with
     * {@link #close} (which a watchdog may call while an event loop reads): the piece being read is not
     * released under the reader.
     */
    public synchronized int readNow(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int state = advance(false);
        return state <= 0 ? state : copyTo(b, off, len);
    }

    /** Records the end; throws for a failure. */
    private void endWith(Object o) throws IOException {
        last = o;
        if (o == CLOSED) {
            throw new IOException("the stream was closed");
        }
        if (o instanceof Throwable t) {
            throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
        }
    }

    private void consumed(ByteBuf b) {
        long left = queued.addAndGet(-b.readableBytes());
        if (paused && left < highWater / 2) {
            resume();
        }
    }

    private void giveUp() {
        if (!complete && abandon != null) {
            abandon.run();
        }
    }

    /**
     * Makes {@code current} a piece with bytes left: 1 when it is, -1 at the end (a failure throws); when not
     * {@code block}ing, 0 while nothing has arrived, without waiting (the wait is timed from then, for the
     * non-blocking read timeout).
     */
    private int advance(boolean block) throws IOException {
        while (current == null || !current.isReadable()) {
            if (current != null) {
                current.release();
                current = null;
            }
            if (closed) {
                throw new IOException("the stream is closed");
            }
            Object o;
            if (block) {
                o = take();
            } else {
                o = last != null ? last : queue.poll();
                if (o == null) {
                    if (waitingSince == 0) {
                        waitingSince = System.nanoTime() | 1;
                    }
                    return 0;
                }
                waitingSince = 0;
            }
            if (o instanceof ByteBuf piece) {
                consumed(piece);
                current = piece;
            } else if (o == END || o == CLOSED || o instanceof Throwable) {
                endWith(o);
                return -1;
            } else {
                ReferenceCountUtil.release(o); // an item nobody asked for at this point
            }
        }
        return 1;
    }

    private int copyTo(byte[] b, int off, int len) {
        int n = Math.min(len, current.readableBytes());
        current.readBytes(b, off, n);
        return n;
    }

    @Override
    public int read() throws IOException {
        return advance(true) > 0 ? current.readByte() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return advance(true) > 0 ? copyTo(b, off, len) : -1;
    }

    @Override
    public int available() {
        ByteBuf c = current;
        return c == null ? 0 : c.readableBytes();
    }

    /**
     * Frees what is queued and ends the stream for the reader. Safe from another thread: a reader
     * blocked in a read wakes at once with an {@link IOException}. Closing before the end runs the
     * abandon hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopTimer();
        giveUp();
        ByteBuf c = current;
        if (c != null) {
            current = null;
            c.release();
        }
        for (Object o; (o = queue.poll()) != null; ) {
            if (o != END && o != CLOSED && !(o instanceof Throwable)) {
                ReferenceCountUtil.release(o);
            }
        }
        put(CLOSED);
        resume();
    }
}
