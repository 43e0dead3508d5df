package dev.sluice.guard.secrets;

/**
 * An AWS secret access key: 40 base64 characters, high entropy, assigned right after a name that
 * says so ({@code aws_secret_access_key = ...}, {@code "AWS secret key": "..."}). The candidates
 * are the maximal base64 runs of exactly 40 characters (one pass); only around those does the rule
 * look back, a bounded distance, for {@code key} and {@code aws} on the same line.
 */
final class AwsSecretRule implements SecretRule {
    private static final int LENGTH = 40;
    private static final String SEPARATORS = "'\":=";

    @Override
    public String type() {
        return "aws_secret_access_key";
    }

    @Override
    public void find(String text, String lower, Sink sink) {
        if (!lower.contains("aws")) {
            return;
        }
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!CharClass.BASE64.has(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && CharClass.BASE64.has(text.charAt(i))) {
                i++;
            }
            if (i - start == LENGTH && named(lower, start) && SecretsScanner.entropy(text.substring(start, i)) > 3.5) {
                sink.found(type(), start, i);
            }
        }
    }

    /** {@code aws ... key} then up to 8 characters and 1–4 separators right before {@code value}. */
    private static boolean named(String lower, int value) {
        int seps = 0;
        while (seps < 4 && value - seps - 1 >= 0 && separator(lower.charAt(value - seps - 1))) {
            seps++;
        }
        if (seps == 0) {
            return false;
        }
        // "key" ends at most 8 (gap) + the separators before the value, with no line break in the gap
        for (int keyEnd = value - 1; keyEnd >= Math.max(3, value - seps - 8); keyEnd--) {
            if (keyEnd < value - seps && lower.charAt(keyEnd) == '\n') {
                break;
            }
            if (lower.startsWith("key", keyEnd - 3) && awsBefore(lower, keyEnd - 3)) {
                return true;
            }
        }
        return false;
    }

    /** {@code aws} within 32 characters before {@code key} (39 with "secret" or "private" between), same line. */
    private static boolean awsBefore(String lower, int key) {
        for (int gap = 0; gap <= 39 && key - gap - 3 >= 0; gap++) {
            if (gap > 0 && lower.charAt(key - gap) == '\n') {
                return false;
            }
            int aws = key - gap - 3;
            if (lower.startsWith("aws", aws)) {
                String between = lower.substring(aws + 3, key);
                return gap <= 32 || between.contains("secret") || between.contains("private");
            }
        }
        return false;
    }

    private static boolean separator(char c) {
        return Character.isWhitespace(c) || SEPARATORS.indexOf(c) >= 0;
    }
}
