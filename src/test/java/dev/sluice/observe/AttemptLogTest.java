package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Json;
import dev.sluice.pipeline.Attempt;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The request log's attempt log: the text Jackson's generator wrote for it")
class AttemptLogTest {

    @Test
    @DisplayName("one answered attempt, a failed one and a fallback's, names with escapes, control characters, non-ASCII (surrogates included) and none")
    void asJackson() {
        List<List<Attempt>> cases = List.of(
                List.of(new Attempt("sim", "gpt-4o-mini", 1_700_000_000_000L, 3, 200, null)),
                List.of(new Attempt("openai", "gpt-4o", 1L, 1_234_567_890_123L, 429, "rate_limited"),
                        new Attempt("anthropic", "claude-3-5-sonnet", 2L, 0, 200, null),
                        new Attempt("azure", "gpt-4o", 3L, 15, 0, "cancelled")),
                List.of(new Attempt("say \"hi\" \\ now", "a\nb\rc\td\be\ff\u0000g\u001fh\u007f", 0, -1, -7, "x\"y")),
                List.of(new Attempt("héllo – 日本語 \uD83D\uDE00 \u2028", "a/b</script>", 0, 0, 200, "")),
                List.of(new Attempt(null, null, 0, 0, 502, null)),
                List.of(new Attempt("lone \uD800 high", "lone \uDFFF low", 0, 0, 200, "\uDBFF\uDC00")));
        for (List<Attempt> attempts : cases) {
            assertThat(RequestLogger.attemptLog(attempts)).isEqualTo(jackson(attempts));
            assertThat(Json.parse(RequestLogger.attemptLog(attempts).getBytes(StandardCharsets.UTF_8)).size())
                    .isEqualTo(attempts.size());
        }
        assertThat(RequestLogger.attemptLog(List.of())).isNull();
    }

    /** What the logger wrote before (a Jackson generator), field for field. */
    private static String jackson(List<Attempt> attempts) {
        return new String(Json.write(gen -> {
            gen.writeStartArray();
            for (Attempt a : attempts) {
                gen.writeStartObject();
                gen.writeStringField("provider", a.provider());
                gen.writeStringField("model", a.upstreamModel());
                gen.writeNumberField("status", a.status());
                if (a.errorClass() != null) {
                    gen.writeStringField("error", a.errorClass());
                }
                gen.writeNumberField("ms", a.durationMillis());
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }), StandardCharsets.UTF_8);
    }
}
