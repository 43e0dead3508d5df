package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A shared model that loads during a scan alongside the upstream call (here the documents' reader, which loads when a
 * document first reaches the band: over a second of CPU) moves the request's deadline out, as it does for a scan before
 * the call: the request's thread, which waits for the scan's thread, sees that thread's loading too.
 */
@DisplayName("A model loading inside a scan alongside the call does not run the request out of its scan budget")
class ParallelScanLoadingTest {
    @Test
    @DisplayName("input_scan: parallel, scan_budget 1s, the documents' cascade (tuned_documents) loading on the first document in"
            + " the band: the benign document passes")
    void loadingMovesTheDeadline() {
        String config = """
                models:
                  gpt-4o-mini:
                    provider: sim
                guardrails:
                  scan_budget: 1s
                  input_scan: parallel
                  default_policy: documents
                  policies:
                    documents:
                      input:
                        prompt_injection: {action: block, tuned_documents: true}
                """;
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), config, Clock.systemUTC())) {
            String key = gw.createKey("loading");
            Http.Response r = GuardrailsReaderSlotsTest.post(gw, key, "loading-letter", GuardrailsReaderSlotsTest.LETTER);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("x-sluice-guardrail")).isNull();
        }
    }
}
