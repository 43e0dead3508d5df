package dev.sluice.quality;

import java.util.List;
import java.util.Locale;

/**
 * Recognises an answer that declines the task ("I'm sorry, but I can't help with that"). Only the
 * opening of the answer is looked at — a refusal says so up front, while a helpful answer may quote
 * such a phrase later — and the phrases are plain substrings, so the check is linear in the opening.
 */
public final class Refusals {
    /** Characters of the answer's opening that are searched. */
    static final int OPENING = 240;

    private static final List<String> PHRASES = List.of(
            "i can't help with", "i cannot help with", "i can't assist", "i cannot assist", "i can't provide",
            "i cannot provide", "i can't comply", "i cannot comply", "i won't be able to", "i will not be able to",
            "i'm not able to help", "i am not able to help", "i'm unable to", "i am unable to",
            "i can't do that", "i cannot do that", "i must decline", "i have to decline", "i'm not comfortable",
            "as an ai language model, i cannot", "as an ai, i cannot", "i'm sorry, but i can", "i am sorry, but i can",
            "sorry, i can't", "sorry, i cannot", "i can't answer", "i cannot answer", "i'm not allowed to",
            "i am not allowed to", "that request goes against", "i can't fulfill", "i cannot fulfill");

    private Refusals() {}

    /** Whether the answer's opening declines the task. */
    public static boolean isRefusal(String answer) {
        if (answer == null || answer.isBlank()) {
            return false;
        }
        String opening = answer.substring(0, Math.min(answer.length(), OPENING)).toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'');
        for (String phrase : PHRASES) {
            if (opening.contains(phrase)) {
                return true;
            }
        }
        return false;
    }
}
