package dev.sluice.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Generated prose")
class TextGeneratorTest {

    @Test
    @DisplayName("uses only words that are one token with or without a capital and a leading space")
    void vocabularyIsSingleTokens() {
        for (String word : Vocabulary.WORDS) {
            String capital = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            assertThat(TokenCounter.count(" " + word)).as(word).isEqualTo(1);
            assertThat(TokenCounter.count(capital)).as(capital).isEqualTo(1);
            assertThat(TokenCounter.count(" " + capital)).as(capital).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("gives exactly the asked number of pieces, and as many tokens")
    void piecesAreTokens() {
        for (int tokens : new int[] {0, 1, 2, 7, 48, 300}) {
            List<String> pieces = TextGenerator.pieces(tokens * 31L, tokens, false);
            assertThat(pieces).hasSize(tokens);
            assertThat(TokenCounter.count(String.join("", pieces))).isEqualTo(tokens);
        }
    }

    @Test
    @DisplayName("writes capitalised sentences ending with a full stop")
    void sentences() {
        String text = TextGenerator.text(5, 60);

        assertThat(Character.isUpperCase(text.charAt(0))).isTrue();
        assertThat(text).endsWith(".").doesNotContain("  ");
        for (String sentence : text.split("\\. ")) {
            assertThat(Character.isUpperCase(sentence.charAt(0))).as(sentence).isTrue();
        }
    }

    @Test
    @DisplayName("is a function of the seed")
    void seeded() {
        assertThat(TextGenerator.text(1, 30)).isEqualTo(TextGenerator.text(1, 30)).isNotEqualTo(TextGenerator.text(2, 30));
    }
}
