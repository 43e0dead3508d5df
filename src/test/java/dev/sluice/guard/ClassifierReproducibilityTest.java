package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.injection.ClassifierTrainer;
import dev.sluice.guard.injection.InjectionClassifier;
import java.io.InputStream;
import org.junit.jupiter.api.DisplayName;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("The shipped injection classifier is what the committed train split produces")
class ClassifierReproducibilityTest {

    @Test
    @DisplayName("retraining from the repo gives the committed weights and operating point")
    // embeds and trains on the whole train split: 179 s at load 28 (session 11), past the suite's 120 s default;
    // a hang would still end the build
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void reproducible() throws Exception {
        ClassifierTrainer.Model model = ClassifierTrainer.train(new Embedder());
        JsonNode shipped;
        try (InputStream in = getClass().getResourceAsStream(InjectionClassifier.RESOURCE)) {
            shipped = Json.MAPPER.readTree(in);
        }
        assertThat(shipped.get("examples").asInt()).isEqualTo(model.examples());
        assertThat(shipped.get("operating_point").asDouble()).isEqualTo(model.operatingPoint());
        assertThat(shipped.get("bias").asDouble()).isCloseTo(model.bias(), org.assertj.core.data.Offset.offset(1e-3));
        JsonNode w = shipped.get("weights");
        for (int i = 0; i < model.weights().length; i++) {
            assertThat(w.get(i).asDouble()).as("weight %d", i)
                    .isCloseTo(model.weights()[i], org.assertj.core.data.Offset.offset(1e-3));
        }
    }
}
