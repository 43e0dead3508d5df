package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scan budget of a scan alongside the upstream call: the request's thread stops waiting when it passes, even
 * while a scanner (here an LLM judge whose model needs a minute) is still running.
 */
@DisplayName("Input guardrails alongside the upstream call stop at the scan budget, as on_budget_exceeded says")
@Timeout(120)
class ParallelInputScanBudgetTest {

    static String config(String onExceeded) {
        return """
                providers:
                  sim:
                    type: openai
                    base_url: ${SIM}/v1
                    api_key: sk-upstream-test
                    timeout: 10s
                  stuck-judge:
                    type: simulator
                    options: {ttft: 60s}
                models:
                  gpt-4o-mini: {provider: sim}
                  judge-stuck: {provider: stuck-judge}
                cache:
                  scope: global
                  semantic: {enabled: false}
                guardrails:
                  input_scan: parallel
                  scan_budget: 300ms
                  on_budget_exceeded: %s
                  keys: {open: none}
                  policies:
                    default:
                      input:
                        judge: {action: block, model: judge-stuck, criteria: "No medical advice."}
                """.formatted(onExceeded);
    }

    private static ObjectNode chat() {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("temperature", 0);
        body.putArray("messages").addObject().put("role", "user").put("content", "How tall is Mont Blanc?");
        return body;
    }

    @Test
    @DisplayName("block: the answer is held, then refused with the budget's 400 and not cached")
    void block() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), config("block"), Clock.systemUTC())) {
            String key = gw.createKey("budget-block");
            String openKey = gw.createKey("open");
            Http.Response r = gw.http().post("/v1/chat/completions", chat(), Http.bearer(key));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().path("error").path("message").asText()).contains("guardrails.scan_budget");
            assertThat(r.header("x-sluice-guardrail")).isEqualTo("input:scan_budget:block");
            Http.Response open = gw.http().post("/v1/chat/completions", chat(), Http.bearer(openKey));
            assertThat(open.status()).isEqualTo(200);
            assertThat(open.header("x-sluice-cache")).isEqualTo("miss");
        }
    }

    @Test
    @DisplayName("flag: the answer goes out when the budget passes, recorded as a budget flag, and is cached like any other")
    void flag() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), config("flag"), Clock.systemUTC())) {
            String key = gw.createKey("budget-flag");
            String openKey = gw.createKey("open");
            Http.Response r = gw.http().post("/v1/chat/completions", chat(), Http.bearer(key, "x-request-id", "pb-flag"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("x-sluice-guardrail")).isEqualTo("input:scan_budget:flag");
            assertThat(GuardrailsOutputTest.row(gw, "pb-flag").path("guardrails").asText())
                    .isEqualTo("input:scan_budget:flag(time)");
            Http.Response open = gw.http().post("/v1/chat/completions", chat(), Http.bearer(openKey));
            assertThat(open.header("x-sluice-cache")).isEqualTo("hit");
        }
    }
}
