package dev.sluice.guard.toxicity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.guard.Finding;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The lexicon's matcher was rewritten for speed (issue 14 #1: a megabyte of insults or of IP addresses must scan in
 * ≤ 50 ms); it must find exactly what the matcher it replaced found, in the same order, on texts built from the
 * lexicon's own words, look-alikes, apostrophes, digits and separators.
 */
class LexiconEquivalenceTest {
    private static final List<String> EXTRA = List.of("frobnicator", "zorp*", "blue cheese");
    private static final Lexicon NOW = Lexicon.load(EXTRA);
    private static final LexiconBefore BEFORE = LexiconBefore.load(EXTRA);

    private static final String[] WORDS = {
        "you", "you're", "your", "ur", "u", "are", "an", "a", "so", "such", "the", "fucking", "fuck", "fucker", "shit",
        "idiot", "idiots", "idi", "idio", "moron", "moronic", "piece", "of", "trash", "garbage", "waste", "space", "i'll",
        "i", "will", "kill", "hurt", "yourself", "go", "to", "hell", "drop", "dead", "nobody", "likes", "die", "deserve",
        "be", "killed", "bloody", "bloody hell", "damn", "wtf", "stfu", "frobnicator", "zorp", "zorpy", "zor", "blue",
        "cheese", "ＩＤＩＯＴ", "іdiot", "YOU", "Idiot", "1", "2", "127", "::", "screw", "off", "watch", "back", "end", "it",
        "commit", "suicide", "just", "live", "know", "where", "regret", "this", "gonna", "beat", "them", "é", "Ж"
    };
    private static final String[] SEPARATORS = {" ", " ", " ", "  ", ", ", ". ", "\n", "-", "'", "\u200b", ":", ".", "!"};

    @Test
    @DisplayName("finds what the matcher it replaced found, in the same order, on 20,000 random texts")
    void sameAsBefore() {
        Random rnd = new Random(14);
        for (int t = 0; t < 20_000; t++) {
            int n = rnd.nextInt(30);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(SEPARATORS[rnd.nextInt(SEPARATORS.length)]);
            }
            String s = sb.toString();
            assertThat(sorted(NOW.find(s))).as("findings in [%s]", s).isEqualTo(sorted(BEFORE.find(s)));
        }
    }

    @Test
    @DisplayName("finds what the matcher it replaced found on the hostile megabytes of the guardrail benchmark")
    void sameOnHostileInput() {
        for (String unit : new String[] {"idiot ", "you are an idiot ", "1.2.3.4.", "1:2:", "fuck you ", "i g n o r e ",
                "kill yourself ", "The river ran past the old mill. "}) {
            String s = unit.repeat((1 << 20) / unit.length());
            assertThat(sorted(NOW.find(s))).as("findings in [%s]...", unit).isEqualTo(sorted(BEFORE.find(s)));
        }
    }

    /**
     * Findings sorted by span and type: the regex terms' findings come out in the order of an identity hash map, which
     * differs between two loaded lexicons (and between runs) in both versions; nothing downstream depends on the order.
     */
    private static List<Finding> sorted(List<Finding> findings) {
        return findings.stream().sorted(Comparator.comparingInt(Finding::start).thenComparingInt(Finding::end)
                .thenComparing(Finding::type).thenComparingDouble(Finding::score)).toList();
    }
}
