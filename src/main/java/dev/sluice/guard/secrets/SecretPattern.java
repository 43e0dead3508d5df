package dev.sluice.guard.secrets;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One kind of credential: a name, a pattern whose group {@code group} is the secret itself
 * (0 = the whole match), cheap literals one of which must occur for the pattern to be worth
 * running, and an optional check of the matched value (entropy, decodable header...).
 */
record SecretPattern(String type, Pattern pattern, int group, String[] hints, Predicate<String> check) {

    /** @param hints literals, any of which must occur ("|"-separated; lower case ones are matched case-insensitively), or null */
    static SecretPattern of(String type, String regex, String hints) {
        return new SecretPattern(type, Pattern.compile(regex), 0, hints == null ? null : hints.split("\\|"), v -> true);
    }

    SecretPattern checked(Predicate<String> valueCheck) {
        return new SecretPattern(type, pattern, group, hints, valueCheck);
    }

    SecretPattern group(int g) {
        return new SecretPattern(type, pattern, g, hints, check);
    }

    /** Whether the text contains one of the hints (lower-case hints are looked up in the lower-cased text). */
    boolean hinted(String text, String lower) {
        if (hints == null) {
            return true;
        }
        for (String h : hints) {
            if ((h.equals(h.toLowerCase(java.util.Locale.ROOT)) ? lower : text).contains(h)) {
                return true;
            }
        }
        return false;
    }
}
