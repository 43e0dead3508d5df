package dev.sluice.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key under which a per-text cache keeps a result: short texts themselves, longer ones their
 * SHA-256, so a cache of 256 entries holds 256 small keys, not 256 megabyte-long messages.
 */
public final class TextKey {
    private static final int INLINE = 128;

    private TextKey() {}

    public static String of(String text) {
        if (text.length() <= INLINE) {
            return text;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return "sha256:" + HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
