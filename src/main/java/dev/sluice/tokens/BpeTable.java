package dev.sluice.tokens;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A tiktoken rank file (one {@code base64(token) rank} line per token, ranks 0..n-1 in order) held as flat
 * arrays — every token's bytes in one array and an open-addressing table of ranks — so that looking up a byte
 * range allocates nothing (jtokkit copies every range it looks up into a new wrapper). {@link #count} merges a
 * piece's bytes the way jtokkit does: always the adjacent pair of lowest rank, the leftmost of equal ones.
 */
final class BpeTable {
    static final int NONE = Integer.MAX_VALUE - 1;
    private static final int MERGED = Integer.MAX_VALUE;
    /** Pieces longer than this merge with a heap (n log n) instead of rescanning for the lowest rank (n²). */
    static final int HEAP_ABOVE = 128;

    private final byte[] bytes;   // tokens' bytes, in rank order
    private final int[] offsets;  // token r is bytes[offsets[r] .. offsets[r + 1])
    private final int[] slots;    // rank + 1, 0 = empty; linear probing
    private final int mask;

    private BpeTable(byte[] bytes, int[] offsets, int count) {
        this.bytes = bytes;
        this.offsets = offsets;
        int size = Integer.highestOneBit(count * 2) << 1;
        this.slots = new int[size];
        this.mask = size - 1;
        for (int r = 0; r < count; r++) {
            int slot = hash(bytes, offsets[r], offsets[r + 1]) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = r + 1;
        }
    }

    /** Reads a {@code .tiktoken} resource (jtokkit's jar carries OpenAI's). */
    static BpeTable load(String resource) {
        try (InputStream in = BpeTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            Base64.Decoder base64 = Base64.getDecoder();
            byte[] all = new byte[1 << 20];
            int[] offsets = new int[1 << 16];
            int count = 0;
            int used = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (Integer.parseInt(line, space + 1, line.length(), 10) != count) {
                    throw new IllegalStateException(resource + ": ranks are not 0..n-1 in order at line " + (count + 1));
                }
                byte[] token = base64.decode(line.substring(0, space));
                if (used + token.length > all.length) {
                    all = Arrays.copyOf(all, all.length * 2);
                }
                System.arraycopy(token, 0, all, used, token.length);
                if (count + 2 > offsets.length) {
                    offsets = Arrays.copyOf(offsets, offsets.length * 2);
                }
                offsets[count] = used;
                used += token.length;
                count++;
                offsets[count] = used;
            }
            return new BpeTable(Arrays.copyOf(all, used), Arrays.copyOf(offsets, count + 1), count);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x9E3779B9 * (to - from);
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    /** The rank of the token {@code piece[from, to)}, or {@link #NONE}. */
    int rank(byte[] piece, int from, int to) {
        int len = to - from;
        int slot = hash(piece, from, to) & mask;
        int r;
        while ((r = slots[slot]) != 0) {
            int start = offsets[r - 1];
            if (offsets[r] - start == len && Arrays.equals(bytes, start, start + len, piece, from, to)) {
                return r - 1;
            }
            slot = (slot + 1) & mask;
        }
        return NONE;
    }

    /** The rank of the pair from {@code start} to {@code end} in a piece of {@code n} bytes (never the whole piece). */
    private int pair(byte[] piece, int n, int start, int end) {
        return end > n || end - start == n ? NONE : rank(piece, start, end);
    }

    /** How many tokens the piece {@code piece[0, n)} encodes to. */
    int count(byte[] piece, int n) {
        if (n == 1 || rank(piece, 0, n) != NONE) {
            return 1;
        }
        return n > HEAP_ABOVE ? countByHeap(piece, n) : countByScan(piece, n);
    }

    /** jtokkit's merge loop: ranks[i] is the rank of the part at i merged with the next part. */
    int countByScan(byte[] piece, int n) {
        int[] ranks = new int[n + 1];
        int minIndex = -1;
        int minRank = NONE;
        for (int i = 0; i <= n; i++) {
            int r = pair(piece, n, i, i + 2);
            ranks[i] = r;
            if (r < minRank) {
                minIndex = i;
                minRank = r;
            }
        }
        int length = n;
        while (minIndex >= 0) {
            int previous = previous(ranks, minIndex - 1);
            int next = next(ranks, minIndex + 1);
            int nextNext = next(ranks, next + 1);
            int nextNextNext = next(ranks, nextNext + 1);
            if (previous >= 0) {
                ranks[previous] = pair(piece, n, previous, nextNext);
            }
            ranks[minIndex] = pair(piece, n, minIndex, nextNextNext);
            ranks[next] = MERGED;
            length--;
            if (length < 3) {
                break; // the whole piece is not a token
            }
            minIndex = -1;
            minRank = NONE;
            for (int i = 0; i <= n; i++) {
                if (ranks[i] < minRank) {
                    minIndex = i;
                    minRank = ranks[i];
                }
            }
        }
        return length;
    }

    private static int next(int[] ranks, int i) {
        while (i < ranks.length && ranks[i] == MERGED) {
            i++;
        }
        return i;
    }

    private static int previous(int[] ranks, int i) {
        while (i >= 0 && ranks[i] == MERGED) {
            i--;
        }
        return i;
    }

    /**
     * The same merges in the same order for long pieces: a min-heap of (rank, start) pairs — lowest rank first,
     * leftmost among equal ranks, as the scan picks them — with stale entries skipped when they come up.
     */
    int countByHeap(byte[] piece, int n) {
        int[] nextPart = new int[n + 1];
        int[] previousPart = new int[n + 1];
        int[] rankAt = new int[n + 1];
        long[] heap = new long[n + 1];
        int size = 0;
        for (int i = 0; i < n; i++) {
            nextPart[i] = i + 1;
            previousPart[i] = i - 1;
        }
        nextPart[n] = n;
        for (int i = 0; i < n; i++) {
            int r = pair(piece, n, i, i + 2);
            rankAt[i] = r;
            if (r != NONE) {
                heap = grow(heap, size);
                size = push(heap, size, entry(r, i));
            }
        }
        int parts = n;
        while (size > 0 && parts > 2) {
            long top = heap[0];
            size = pop(heap, size);
            int r = (int) (top >>> 32);
            int at = (int) top;
            if (rankAt[at] != r) {
                continue; // stale: the part has merged since, or was merged into its left neighbour
            }
            int gone = nextPart[at];
            int after = nextPart[gone];
            nextPart[at] = after;
            if (after < n) {
                previousPart[after] = at;
            }
            rankAt[gone] = MERGED;
            parts--;
            int end = after < n ? nextPart[after] : n + 1;
            rankAt[at] = pair(piece, n, at, end);
            if (rankAt[at] != NONE) {
                heap = grow(heap, size);
                size = push(heap, size, entry(rankAt[at], at));
            }
            int before = previousPart[at];
            if (before >= 0) {
                rankAt[before] = pair(piece, n, before, after);
                if (rankAt[before] != NONE) {
                    heap = grow(heap, size);
                    size = push(heap, size, entry(rankAt[before], before));
                }
            }
        }
        return parts;
    }

    private static long entry(int rank, int at) {
        return ((long) rank << 32) | at;
    }

    private static long[] grow(long[] heap, int size) {
        return size < heap.length ? heap : Arrays.copyOf(heap, heap.length * 2);
    }

    private static int push(long[] heap, int size, long value) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= value) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
        return size + 1;
    }

    private static int pop(long[] heap, int size) {
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (last <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
        return size;
    }
}
