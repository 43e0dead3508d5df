package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Guardrails stop at their per-request time budget with the configured verdict")
class GuardrailsBudgetTest {

    static String config(String budget, String onExceeded) {
        return """
                models:
                  gpt-4o-mini:
                    provider: sim
                guardrails:
                  scan_budget: %s
                  on_budget_exceeded: %s
                  default_policy: standard
                  policies:
                    standard:
                      input:
                        secrets: block
                        pii: redact
                        prompt_injection: {action: block, classifier: false}
                """.formatted(budget, onExceeded);
    }

    /**
     * The reported attack ("host=" many times before a password) mixed with personal data, in 10
     * messages of 20 KB: small enough for the test gateway's 1 MB body and the model's context.
     */
    static ObjectNode hostile() {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        ArrayNode messages = body.putArray("messages");
        String text = "host=a jane@example.com 415 867 5309 ".repeat(540) + " password=x";
        for (int i = 0; i < 10; i++) {
            messages.addObject().put("role", "user").put("content", text);
        }
        return body;
    }

    @Test
    @DisplayName("block: a request the guardrails cannot scan in time is refused with 400 guardrail_blocked")
    void block() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), config("1ms", "block"), Clock.systemUTC())) {
            String key = gw.createKey("budget-block");
            Http.Response r = gw.http().post("/v1/chat/completions", hostile(), Http.bearer(key));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("guardrail_blocked");
            assertThat(r.json().path("error").path("message").asText()).contains("guardrails.scan_budget");
            assertThat(r.header("x-sluice-guardrail")).isEqualTo("input:scan_budget:block");
            assertThat(gw.sim().recorded()).isEmpty();
        }
    }

    @Test
    @DisplayName("flag: the request goes through, recorded as a budget flag; a normal request is scanned as usual")
    void flag() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), config("1ms", "flag"), Clock.systemUTC())) {
            String key = gw.createKey("budget-flag");
            Http.Response r = gw.http().post("/v1/chat/completions", hostile(), Http.bearer(key));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("x-sluice-guardrail")).contains("input:scan_budget:flag");
        }
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), config("2s", "flag"), Clock.systemUTC())) {
            String key = gw.createKey("budget-normal");
            ObjectNode body = Json.object().put("model", "gpt-4o-mini");
            body.putArray("messages").addObject().put("role", "user").put("content", "mail me at jane.doe@example.com");
            Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-sluice-guardrail")).as(r.body()).isEqualTo("input:pii:redact");
        }
    }
}
