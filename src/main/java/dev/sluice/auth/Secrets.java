package dev.sluice.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Generates and hashes secrets. Virtual keys carry 190 bits of randomness, so a fast SHA-256 is
 * the right hash (a slow password hash protects guessable secrets, not random ones) and lookups
 * stay O(1) by hash.
 */
public final class Secrets {
    public static final String KEY_PREFIX = dev.sluice.pipeline.Caller.KEY_PREFIX;
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final char[] ID_ALPHABET = "0123456789abcdefghijkmnpqrstuvwxyz".toCharArray();
    private final SecureRandom random = new SecureRandom();

    /** A new key secret: {@code sk-sluice-} and 32 base62 characters. */
    public String newKeySecret() {
        return KEY_PREFIX + randomString(ALPHABET, 32);
    }

    /** A short public id for a key, safe to log: {@code key_} and 10 characters. */
    public String newKeyId() {
        return "key_" + randomString(ID_ALPHABET, 10);
    }

    /** A random admin key for the demo: {@code sk-sluice-admin-} and 32 base62 characters. */
    public String newAdminKey() {
        return KEY_PREFIX + "admin-" + randomString(ALPHABET, 32);
    }

    private String randomString(char[] alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(out);
    }

    /**
     * The lower-case hex SHA-256 of the secret's UTF-8 bytes. Every authenticated request hashes its key, so the
     * digests are reused from a small pool: {@code MessageDigest.getInstance} per call (the provider lookup, a
     * new digest with its state arrays, the input and output arrays) was ~0.9 KB of each request's allocation.
     */
    public static String sha256(String secret) {
        Hasher h = HASHERS.poll();
        if (h == null) {
            h = new Hasher();
        }
        try {
            return h.hash(secret);
        } finally {
            HASHERS.offer(h); // dropped when the pool is full
        }
    }

    private static final java.util.concurrent.ArrayBlockingQueue<Hasher> HASHERS =
            new java.util.concurrent.ArrayBlockingQueue<>(16);

    /** A digest and its scratch arrays, used by one thread at a time. */
    private static final class Hasher {
        private final MessageDigest digest;
        private final byte[] in = new byte[128];
        private final byte[] out = new byte[32];

        Hasher() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }

        String hash(String secret) {
            digest.reset();
            int n = secret.length();
            boolean ascii = n <= in.length;
            for (int i = 0; i < n && ascii; i++) {
                char c = secret.charAt(i);
                ascii = c < 0x80;
                in[i] = (byte) c;
            }
            if (ascii) {
                digest.update(in, 0, n); // ASCII is its own UTF-8
            } else {
                digest.update(secret.getBytes(StandardCharsets.UTF_8));
            }
            try {
                digest.digest(out, 0, out.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            return HexFormat.of().formatHex(out);
        }
    }

    /** Compares secrets in constant time, so response timing reveals nothing about the key. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
