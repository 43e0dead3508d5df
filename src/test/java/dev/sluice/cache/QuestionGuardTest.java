package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.Usage;
import dev.sluice.cli.Main;
import dev.sluice.embed.Embedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Semantic cache: false-hit guards, the evaluation set, the index's size bound")
class QuestionGuardTest {
    /** Phrase similarity that calls every swap a synonym, so only the rule-based guards decide. */
    static final QuestionGuard RULES_ONLY = new QuestionGuard((a, b) -> 1.0);

    @ParameterizedTest(name = "{0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "Convert 100 Fahrenheit to Celsius | Convert 100 Celsius to Fahrenheit",
            "What is 15% of 200? | What is 20% of 200?",
            "Who was the first president? | Who was the second president?",
            "What happened in 1969? | What happened in nineteen sixty eight?",
            "Is the museum open on Monday? | Is the museum open on Sunday?",
            "How many seconds are in a day? | How many minutes are in a day?",
            "Which countries use the euro? | Which countries don't use the euro?",
            "Is coffee good for you? | Is coffee bad for you?",
            "Is it legal to record a call? | Is it illegal to record a call?",
            "What is the capital of Australia? | What is the capital of Austria?",
            "How many ounces are in a pound? | How many pounds are in an ounce?",
            "Is a square a rectangle? | Is a rectangle a square?",
            "Is a whale a mammal or a fish? | Is a fish a mammal or a whale?",
            "What is 12 plus 30? | What is 12 minus 30?"})
    @DisplayName("look-alike questions are told apart")
    void different(String cached, String incoming) {
        assertThat(RULES_ONLY.check(cached, incoming)).isNotNull();
        assertThat(RULES_ONLY.check(incoming, cached)).isNotNull();
    }

    @ParameterizedTest(name = "{0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "What is the capital of France? | What's France's capital city?",
            "How do I reverse a list in Python? | In Python, how do I reverse a list?",
            "What is the tallest mountain in the world? | Which mountain is the tallest in the world?",
            "Compare Java and Python | Compare Python and Java",
            "How many calories are in 2 eggs? | How many calories are in two eggs?",
            "What is quantum computing? | Explain quantum computing.",
            "Who discovered penicillin? | Penicillin was discovered by whom?"})
    @DisplayName("paraphrases pass every guard")
    void same(String cached, String incoming) {
        assertThat(RULES_ONLY.check(cached, incoming)).isNull();
    }

    @Test
    @DisplayName("a swapped phrase must be a synonym by the embedding model")
    void swappedPhrase() {
        Embedder embedder = new Embedder();
        QuestionGuard guard = new QuestionGuard((a, b) -> Embedder.cosine(embedder.embed(a), embedder.embed(b)));
        assertThat(guard.check("how do i cook rice", "how do i cook pasta")).contains("swapped");
        assertThat(guard.check("How do I buy a car?", "How do I purchase a car?")).isNull();
    }

    @Test
    @DisplayName("the built-in evaluation meets the targets: paraphrase hits >= 60%, false hits <= 1%")
    void evaluationTargets() {
        List<CacheEval.Outcome> outcomes = new CacheEval(new Embedder()).run(CacheEval.builtIn(),
                CacheEval.defaultThreshold(), true);
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(300);
        for (CacheEval.Rates r : CacheEval.bySplit(outcomes).values()) {
            assertThat(r.hitRate()).isGreaterThanOrEqualTo(0.6);
            assertThat(r.falseHitRate()).isLessThanOrEqualTo(0.01);
        }
    }

    @Test
    @DisplayName("sluice cache eval reads a pairs file and reports")
    void command(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pairs.tsv");
        Files.writeString(file, "split\tlabel\tcategory\tcached\tincoming\n"
                + "x\thit\tparaphrase\tWhat is a canal?\tWhat's a canal?\n"
                + "x\tmiss\tnumber\tWhat is 2+2?\tWhat is 2+3?\n");
        assertThat(Main.run("cache", "eval", "--file", file.toString(), "--threshold", "0.9")).isZero();
        Files.writeString(file, "not a pairs file\n");
        assertThat(Main.run("cache", "eval", "--file", file.toString())).isNotZero();
    }

    @Test
    @DisplayName("the index evicts its oldest entries beyond max_entries and purges expired ones")
    void indexBounds(@TempDir Path dir) {
        dev.sluice.testing.MutableClock clock = new dev.sluice.testing.MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        try (SemanticIndex index = new SemanticIndex(dir.resolve("idx"), 10, clock, new CacheStats())) {
            for (int i = 0; i < 25; i++) {
                float[] v = new float[Embedder.DIMENSIONS];
                v[i % Embedder.DIMENSIONS] = 1;
                index.add(answer("k" + i, clock.millis(), clock.millis() + (i < 5 ? 1_000 : 3_600_000)), "p", v);
                clock.advance(java.time.Duration.ofMillis(10));
            }
            clock.advance(java.time.Duration.ofSeconds(2));
            index.maintain();
            assertThat(index.size()).isLessThanOrEqualTo(10);
            assertThat(index.exact("k24")).isNotNull();
            assertThat(index.exact("k0")).isNull();
        }
    }

    static CachedAnswer answer(String key, long created, long expires) {
        ChatResponse r = new ChatResponse("id", 0, "m", List.of(new Choice(0, ChatMessage.of("assistant", "a"), "stop", null)),
                Usage.of(1, 1), null, null);
        return new CachedAnswer(key, r, null, null, "m", null, "q", created, expires);
    }
}
