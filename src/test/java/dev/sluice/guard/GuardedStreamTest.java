package dev.sluice.guard;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Delta;
import dev.sluice.api.SluiceException;
import dev.sluice.guard.pii.PiiScanner;
import dev.sluice.guard.pii.PiiScannerType;
import dev.sluice.guard.secrets.SecretsScanner;
import dev.sluice.guard.secrets.SecretsScannerType;
import dev.sluice.pipeline.Exchange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


@DisplayName("The streaming output guard scans a sliding window")
class GuardedStreamTest {
    static final Rule PII = new Rule(PiiScanner.of(PiiScannerType.ENTITIES, List.of("US"), List.of()), Action.REDACT, 0.5,
            PiiScannerType.TYPE.blockReason());
    static final Rule SECRETS = new Rule(SecretsScanner.of(List.of(), List.of()), Action.BLOCK, 0.5,
            SecretsScannerType.TYPE.blockReason());

    /** A stream of the given content pieces, one chunk each, ending with a finish chunk. */
    static ChunkStream of(List<String> pieces) {
        ArrayDeque<ChatChunk> chunks = new ArrayDeque<>();
        for (String p : pieces) {
            chunks.add(new ChatChunk("c", 1, "m", List.of(new ChunkChoice(0, Delta.text(p), null)), null, null));
        }
        chunks.add(new ChatChunk("c", 1, "m", List.of(new ChunkChoice(0, new Delta(null, null, List.of(), null), "stop")), null, null));
        return new ChunkStream() {
            @Override
            public ChatChunk next() {
                return chunks.poll();
            }

            @Override
            public void close() {}
        };
    }

    static GuardedStream guard(List<String> pieces, int holdback, Rule... rules) {
        Exchange ex = new Exchange("r", Exchange.Operation.CHAT, Map.of());
        Policy policy = new Policy("p", List.of(), List.of(rules), false);
        return new GuardedStream(of(pieces), policy, ScanContext.of(Direction.OUTPUT, "output"),
                new Recorder(ex, Direction.OUTPUT, new GuardMetrics()), holdback);
    }

    static String drain(ChunkStream s, List<String> sent) {
        StringBuilder sb = new StringBuilder();
        ChatChunk c;
        while ((c = s.next()) != null) {
            for (ChunkChoice choice : c.choices()) {
                if (choice.delta().content() != null) {
                    sb.append(choice.delta().content());
                    sent.add(choice.delta().content());
                }
            }
        }
        return sb.toString();
    }

    @Test
    @DisplayName("wherever the chunk boundaries fall, a match is redacted whole and never sent in pieces")
    void everySplit() {
        String text = "Please write to jane.doe@example.com or call (415) 867-5309 before noon on Friday, thanks.";
        String expected = "Please write to [EMAIL] or call [PHONE] before noon on Friday, thanks.";
        for (int a = 1; a < text.length() - 1; a += 3) {
            for (int b = a + 1; b < text.length(); b += 7) {
                List<String> sent = new ArrayList<>();
                String out = drain(guard(List.of(text.substring(0, a), text.substring(a, b), text.substring(b)), 16, PII), sent);
                assertThat(out).as("split at %d/%d", a, b).isEqualTo(expected);
                assertThat(String.join("|", sent)).doesNotContain("jane").doesNotContain("867");
            }
        }
    }

    @Test
    @DisplayName("text is released as the window moves, not only at the end")
    void incremental() {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            words.add("word" + i + " ");
        }
        GuardedStream s = guard(words, 16, PII);
        List<String> sent = new ArrayList<>();
        drain(s, sent);
        assertThat(sent.size()).as("released in batches as the window moves").isGreaterThan(5);
        assertThat(sent.getFirst()).startsWith("word0 ");
    }

    @Test
    @DisplayName("a block throws before any part of the blocked secret is released")
    void block() {
        GuardedStream s = guard(List.of("The first part is fine and long enough to be released. Key: AKIA", "IOSFODNN7EXAMPLE", " end."),
                16, SECRETS);
        List<String> sent = new ArrayList<>();
        assertThatThrownBy(() -> drain(s, sent)).isInstanceOf(SluiceException.class)
                .hasMessageContaining("guardrail 'secrets'");
        assertThat(String.join("", sent)).startsWith("The first part").doesNotContain("AKIA");
    }
}
