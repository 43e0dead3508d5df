package dev.sluice.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.embed.Embedder;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Complexity routing: easy requests to the cheap model, hard ones to the strong model")
class ComplexityRoutingTest {
    record Labelled(String prompt, boolean hard) {}

    static List<Labelled> load(String file) throws Exception {
        List<Labelled> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(file))) {
            JsonNode row = Json.MAPPER.readTree(line);
            out.add(new Labelled(row.path("prompt").asText(), row.path("label").asText().equals("hard")));
        }
        return out;
    }

    static ChatRequest request(String prompt) {
        return new ChatRequest("auto", List.of(ChatMessage.of("user", prompt)), false, false, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** Classifies the held-out set and prints the confusion matrix; returns accuracy. */
    static double evaluate(ComplexityClassifier classifier, String name) throws Exception {
        return evaluate(classifier, name, "examples/routing/complexity-eval.jsonl");
    }

    static double evaluate(ComplexityClassifier classifier, String name, String file) throws Exception {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (Labelled l : load(file)) {
            boolean hard = classifier.classify(request(l.prompt()), 0.5).hard();
            if (hard && l.hard()) {
                tp++;
            } else if (hard) {
                fp++;
            } else if (l.hard()) {
                fn++;
            } else {
                tn++;
            }
        }
        double accuracy = (tp + tn) / (double) (tp + tn + fp + fn);
        System.out.printf("%s confusion matrix (rows: labelled, columns: routed)%n"
                        + "            easy  hard%n  easy  %6d %5d%n  hard  %6d %5d%n  accuracy %.2f%n",
                name, tn, fp, fn, tp, accuracy);
        return accuracy;
    }

    @Test
    @DisplayName("rules alone route the held-out labelled set with at least 85% accuracy")
    void rulesOnly() throws Exception {
        evaluate(new ComplexityClassifier(), "rules (train)", "examples/routing/complexity-train.jsonl");
        assertThat(evaluate(new ComplexityClassifier(), "rules")).isGreaterThanOrEqualTo(0.85);
    }

    @Test
    @DisplayName("rules blended with nearest labelled examples route the held-out set with at least 90% accuracy")
    void withExamples() throws Exception {
        Embedder embedder = new Embedder();
        List<ComplexityClassifier.Example> examples = new ArrayList<>();
        for (Labelled l : load("examples/routing/complexity-train.jsonl")) {
            examples.add(ComplexityClassifier.example(embedder, l.prompt(), l.hard()));
        }
        assertThat(evaluate(new ComplexityClassifier(embedder, examples), "rules + examples")).isGreaterThanOrEqualTo(0.90);
    }

    @Test
    @DisplayName("through the gateway: the decision and its reasons are in the response headers and the request log")
    void endToEnd() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                models:
                  small:
                    provider: sim
                    model: llama-3.1-8b
                  big:
                    provider: sim-anthropic
                    model: claude-sonnet-4
                  auto:
                    type: complexity
                    easy: small
                    hard: big
                """, Clock.systemUTC())) {
            String key = gw.createKey("complexity");
            Map<String, String> h = Map.of("authorization", "Bearer " + key, "x-request-id", "easy-1");
            Http.Response easy = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of Peru?\"}]}", h);
            assertThat(easy.status()).isEqualTo(200);
            assertThat(easy.header("x-sluice-route")).startsWith("easy;").endsWith("model=small");
            assertThat(easy.header("x-sluice-model")).isEqualTo("llama-3.1-8b");

            Http.Response hard = gw.http().post("/v1/chat/completions", "{\"model\":\"auto\",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"Implement a thread-safe LRU cache in Java and analyze its complexity.\"}]}",
                    Map.of("authorization", "Bearer " + key, "x-request-id", "hard-1"));
            assertThat(hard.status()).isEqualTo(200);
            assertThat(hard.header("x-sluice-route")).startsWith("hard;").contains("code").endsWith("model=big");
            assertThat(hard.header("x-sluice-provider")).isEqualTo("sim-anthropic");
            assertThat(gw.logs("request_id=hard-1").get(0).path("route_reason").asText()).startsWith("hard;");
            assertThat(gw.logs("request_id=hard-1").get(0).path("model").asText()).isEqualTo("auto");
        }
    }
}
