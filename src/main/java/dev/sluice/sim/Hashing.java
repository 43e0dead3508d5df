package dev.sluice.sim;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ToolCall;

/**
 * The pure functions the simulator's determinism rests on: a 64-bit FNV-1a hash over text, the
 * SplitMix64 finaliser to spread it, and base62 ids drawn from a hash. Nothing here keeps state.
 */
final class Hashing {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Hashing() {}

    static long start() {
        return FNV_OFFSET;
    }

    /** Folds {@code text} into {@code h}, then a separator, so ("ab","c") and ("a","bc") differ. */
    static long add(long h, String text) {
        if (text != null) {
            for (int i = 0; i < text.length(); i++) {
                h = (h ^ text.charAt(i)) * FNV_PRIME;
            }
        }
        return (h ^ 0x1F) * FNV_PRIME;
    }

    static long add(long h, long value) {
        return mix(h ^ mix(value + GOLDEN));
    }

    /** SplitMix64's finaliser: a bijection that spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The i-th value of the SplitMix64 sequence seeded with {@code seed}. */
    static long nth(long seed, long i) {
        return mix(seed + i * GOLDEN);
    }

    /** A uniform double in [0, 1) from a 64-bit value. */
    static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** {@code length} base62 characters drawn from {@code seed}. */
    static String base62(long seed, int length) {
        char[] out = new char[length];
        long bits = 0;
        int left = 0;
        for (int i = 0; i < length; i++) {
            if (left == 0) {
                bits = nth(seed, i);
                left = 10; // 10 draws of 6 bits each from one 64-bit value
            }
            out[i] = BASE62.charAt((int) (bits & 0x3F) % 62);
            bits >>>= 6;
            left--;
        }
        return new String(out);
    }

    /**
     * The hash of everything the model "reads": each message's role, text, tool calls and tool
     * call id. The same conversation hashes the same whichever wire format it arrived in.
     */
    static long prompt(ChatRequest request) {
        long h = start();
        for (ChatMessage m : request.messages()) {
            h = add(h, m.role());
            h = add(h, m.text());
            for (ToolCall call : m.toolCalls()) {
                h = add(h, call.name());
                h = add(h, call.arguments());
            }
        }
        return mix(h);
    }
}
