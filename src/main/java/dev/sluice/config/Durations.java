package dev.sluice.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Human durations: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT30S}). */
public final class Durations {
    private Durations() {}

    /** The duration, or null when the text is not one. A bare number means seconds. */
    public static Duration parse(String raw) {
        String text = raw.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            int split = 0;
            while (split < text.length() && (Character.isDigit(text.charAt(split)) || text.charAt(split) == '.')) {
                split++;
            }
            if (split == 0) {
                return null;
            }
            double amount = Double.parseDouble(text.substring(0, split));
            String unit = text.substring(split).strip();
            long millis = switch (unit) {
                case "ms" -> (long) amount;
                case "s", "" -> (long) (amount * 1000);
                case "m", "min" -> (long) (amount * 60_000);
                case "h" -> (long) (amount * 3_600_000);
                case "d" -> (long) (amount * 86_400_000);
                default -> -1;
            };
            return millis < 0 ? null : Duration.ofMillis(millis);
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
    }

}
