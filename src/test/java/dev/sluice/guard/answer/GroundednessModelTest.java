package dev.sluice.guard.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.guard.Direction;
import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Groundedness with the sentence support model")
class GroundednessModelTest {
    private static final String CONTEXT = "Poseidon is a 2006 film. It grossed $181 million worldwide on a budget of $160 million. "
            + "The film was directed by Wolfgang Petersen.";

    private static double worst(String answer) {
        GroundednessScanner scanner = new GroundednessScanner(4, GroundednessModel::load);
        ScanContext ctx = new ScanContext(Direction.OUTPUT, "output", "t", null, "", null, List.of(CONTEXT), null);
        return scanner.scan(answer, ctx).stream().mapToDouble(Finding::score).max().orElse(0);
    }

    @Test
    @DisplayName("a faithful sentence passes; one with an invented figure and name is flagged")
    void inventedFigures() {
        assertThat(worst("The film Poseidon grossed $181 million worldwide on a budget of $160 million.")).isLessThan(0.5);
        assertThat(worst("Poseidon grossed $950 million and won an Oscar for Steven Spielberg in 2011.")).isGreaterThan(0.5);
    }

    @Test
    @DisplayName("the shipped model names its evidence and an operating point chosen on validation data")
    void shipped() {
        GroundednessModel m = GroundednessModel.load();
        assertThat(m.weights()).hasSize(SentenceSupport.FEATURES.size());
        assertThat(m.header().get("operating_point_rule").asText()).contains("val");
    }
}
