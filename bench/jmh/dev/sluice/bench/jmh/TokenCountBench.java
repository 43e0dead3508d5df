package dev.sluice.bench.jmh;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Prompt token counting (o200k_base) as the limit stage does it before every call: {@code countPrompt} over a
 * chat request whose user message is the bench's short prompt (~12 tokens), ~1,000 tokens of English, or a
 * multilingual text (German, French, Russian, Greek, Chinese, Japanese, Korean, Arabic, Hindi, emoji, code, numbers);
 * {@code countText} is {@code TokenCounter.count} of the message alone and {@code jtokkitText} jtokkit's own
 * {@code countTokensOrdinary} of it, the reference the counter must equal.
 *
 * <p>Run: {@code bench/run jmh TokenCountBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenCountBench {
    static final String MULTILINGUAL = """
            Die Schifffahrt auf dem Rhein war im 19. Jahrhundert ein bedeutender Wirtschaftszweig; über 1.200 Schiffe \
            verkehrten jährlich. L'économie française s'est développée rapidement après 1945 — c'était « les Trente \
            Glorieuses ». Москва́ — столица России, город с населением более 13 миллионов человек. Η Αθήνα είναι η \
            πρωτεύουσα της Ελλάδας. 北京是中华人民共和国的首都，也是全国的政治、文化中心。東京は日本の首都であり、\
            人口は約1400万人です。서울은 대한민국의 수도이며 최대 도시입니다. القاهرة هي عاصمة جمهورية مصر العربية \
            وأكبر مدنها. नई दिल्ली भारत की राजधानी है। Emoji: 🚀🔥👍🏽 👨‍👩‍👧 🇺🇸. Code: `for (int i = 0; i < n; i++) { \
            sum += a[i] * 2.5e-3; }` — prices $1,299.99 / €1.099,00; ISO 2026-12-06T10:30:00Z; they'll we've I'M.
            """;

    @Param({"short", "1k", "multilingual"})
    public String prompt;

    private ChatRequest request;
    private String text;
    private Encoding jtokkit;

    @Setup
    public void setUp() {
        String sentence = "The river ran past the old mill, where the miller's daughter counted barges at dawn. ";
        text = switch (prompt) {
            case "short" -> "Summarise the benefits of an LLM gateway in two sentences.";
            case "1k" -> sentence.repeat(55);
            default -> MULTILINGUAL;
        };
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},"
                + "{\"role\":\"user\",\"content\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                + "\"}]}";
        request = ChatRequestCodec.read(body.getBytes(StandardCharsets.UTF_8));
        jtokkit = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        if (TokenCounter.count(text) != jtokkit.countTokensOrdinary(text)) {
            throw new IllegalStateException("TokenCounter and jtokkit disagree on " + prompt);
        }
    }

    @Benchmark
    public int countPrompt() {
        return TokenCounter.countPrompt(request);
    }

    @Benchmark
    public int countText() {
        return TokenCounter.count(text);
    }

    @Benchmark
    public int jtokkitText() {
        return jtokkit.countTokensOrdinary(text);
    }
}
