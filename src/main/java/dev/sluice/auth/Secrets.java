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

    public static String sha256(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
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
