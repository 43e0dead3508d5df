package dev.sluice.store;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids led by the time: 48 bits of epoch milliseconds, then random bits. The store keeps indexes keyed by
 * the ids the gateway makes (the spans' and trace summaries' primary keys and the request log's trace index by
 * trace id, the request log's uid and request-id indexes): with fully random ids each request's entries land in a
 * random leaf of an index larger than SQLite's page cache, which the writer reads, rewrites into the WAL and
 * checkpoints again, about ten 4 KiB pages a request; led by the time they land at the index's right edge, in
 * pages every commit touches anyway (bench/README.md, session 7). Ids stay unguessable and unique by their random
 * part (80 bits in a trace id or uid, 48 in a request id, per millisecond).
 */
public final class TimeLedIds {
    private static final HexFormat HEX = HexFormat.of();

    private TimeLedIds() {}

    /**
     * 32 lower-case hex digits: 48 bits of {@code epochMillis}, 80 random bits, the last 64 never all zero (so
     * neither is the id, as W3C trace ids must not be). The right-most 10 bytes are random: more than the 7 that
     * W3C trace context level 2's {@code random} trace flag promises.
     */
    public static String hex128(long epochMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long lo;
        do {
            lo = r.nextLong();
        } while (lo == 0);
        return HEX.toHexDigits(epochMillis << 16 | (r.nextInt() & 0xFFFF)) + HEX.toHexDigits(lo);
    }

    /** 24 lower-case hex digits: 48 bits of {@code epochMillis}, 48 random bits. */
    public static String hex96(long epochMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HEX.toHexDigits(epochMillis << 16 | (r.nextInt() & 0xFFFF)) + HEX.toHexDigits(r.nextInt());
    }
}
