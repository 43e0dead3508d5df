package dev.sluice.quality;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Refusal detection looks at the opening of an answer only")
class RefusalsTest {

    @Test
    @DisplayName("common refusals are recognised, curly apostrophes included")
    void recognisesRefusals() {
        assertThat(Refusals.isRefusal("I'm sorry, but I can't help with that request.")).isTrue();
        assertThat(Refusals.isRefusal("I\u2019m unable to provide medical advice.")).isTrue();
        assertThat(Refusals.isRefusal("As an AI language model, I cannot browse the web.")).isTrue();
        assertThat(Refusals.isRefusal("Sorry, I cannot share that.")).isTrue();
    }

    @Test
    @DisplayName("helpful answers, empty ones, and a refusal phrase quoted late in a long answer are not refusals")
    void ignoresHelpfulAnswers() {
        assertThat(Refusals.isRefusal("Blue. It is the colour of the sky on a clear day.")).isFalse();
        assertThat(Refusals.isRefusal("")).isFalse();
        assertThat(Refusals.isRefusal(null)).isFalse();
        String late = "Here is a long, helpful answer. ".repeat(20) + "Some bots say: I can't help with that.";
        assertThat(Refusals.isRefusal(late)).isFalse();
    }
}
