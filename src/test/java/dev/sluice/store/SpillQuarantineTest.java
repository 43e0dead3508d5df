package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Defence in depth behind dcae05f (which fixed the cause of half-written spill lines): a spill line
 * that cannot be read back is moved to a quarantine file next to the spill file and counted, and the
 * replay goes on. Before, the first such line made every replay fail: the writer retried forever,
 * the records behind it never arrived and readiness turned 503.
 */
@DisplayName("A spill line that cannot be read back is quarantined; the replay goes on")
class SpillQuarantineTest {
    static RequestRecord record(String requestId, String user, long ts) {
        return new RequestRecord(ts, requestId, "key_x", null, user, "chat", "gpt-4o-mini", "sim",
                "gpt-4o-mini", false, 200, null, 10, 5, 12, 30, 1, null, null, null, 0.5, null, null, null, null,
                null, null, null, null);
    }

    @Test
    @DisplayName("good lines around a torn line, a line of bad bytes and a line of the wrong shape are all written;"
            + " the three go to request-log.spill.bad, counted in sluice_store_quarantined_total; ready stays 200")
    void brokenLinesQuarantined() throws Exception {
        Path dir = Files.createTempDirectory("sluice-quarantine");
        Path spillDir = dir.resolve("spill");
        Files.createDirectories(spillDir);
        long ts = System.currentTimeMillis();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        String first = Json.MAPPER.writeValueAsString(record("req-before", "alice", ts));
        String torn = first.substring(0, first.length() / 2);
        file.writeBytes((first + "\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes((torn + "\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes(new byte[] {'{', '"', 't', 's', '"', ':', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'});
        file.writeBytes("{\"ts\":\"not a number\",\"request_id\":[1,2]}\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 600; i++) { // more than one replay batch after the broken lines
            file.writeBytes((Json.MAPPER.writeValueAsString(record("req-after-" + i, "bob", ts + i)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Files.write(spillDir.resolve("request-log.spill.jsonl"), file.toByteArray());

        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "metrics: {}\n", Clock.systemUTC(), dir)) {
            gw.flushLog();
            JsonNode before = gw.logs("request_id=req-before");
            assertThat(before).hasSize(1);
            assertThat(gw.logs("request_id=req-after-599")).hasSize(1);
            assertThat(gw.gateway().writers().requestLog().spillPending()).isZero();
            assertThat(Files.exists(spillDir.resolve("request-log.spill.jsonl"))).isFalse();

            List<String> bad = Files.readAllLines(spillDir.resolve("request-log.spill.bad"), StandardCharsets.UTF_8);
            assertThat(bad).hasSize(3);
            assertThat(bad.getFirst()).isEqualTo(torn);
            assertThat(bad.get(2)).contains("not a number");

            assertThat(gw.http().get("/health/ready", Map.of()).status()).isEqualTo(200);
            Http.Response metrics = gw.http().get("/metrics", Map.of());
            Matcher m = Pattern.compile("(?m)^sluice_store_quarantined_total\\{[^}]*writer=\"request-log\"[^}]*} (\\S+)$")
                    .matcher(metrics.body());
            assertThat(m.find()).as(metrics.body()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isEqualTo(3.0);

            // erasure covers the quarantine file: the torn line names alice
            Http.Response erased = gw.http().delete("/admin/users/alice", Http.bearer(TestGateway.ADMIN_KEY));
            assertThat(erased.status()).as(erased.body()).isEqualTo(200);
            assertThat(Files.readAllLines(spillDir.resolve("request-log.spill.bad"), StandardCharsets.UTF_8))
                    .hasSize(2).noneMatch(l -> l.contains("\"alice\""));
        }
    }
}
