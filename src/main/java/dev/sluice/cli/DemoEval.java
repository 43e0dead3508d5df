package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.eval.Suite;
import dev.sluice.eval.SuiteLoader;
import dev.sluice.eval.report.Comparison;
import dev.sluice.eval.report.JsonReport;
import dev.sluice.eval.report.ResultTable;
import dev.sluice.eval.run.EvalRunner;
import dev.sluice.eval.run.GatewayClient;
import dev.sluice.eval.run.RepeatRule;
import dev.sluice.eval.run.RunResult;
import dev.sluice.eval.score.Scorers;
import java.time.Duration;
import java.util.Map;

/**
 * The demo's evaluation: one small suite run through the gateway against two versions of a support
 * prompt, then the regression table of v2 against v1 (what {@code sluice eval --baseline} prints in
 * CI). v2 adds a long system prompt, so its answers break the per-answer cost budget the suite sets.
 */
final class DemoEval {
    private static final String SUITE = """
            description: support answers, prompt %s
            prompts:
              - label: support-%s
                raw: '%s'
            providers:
              - id: openai:chat:gpt-4o-mini
                config: {max_tokens: 24, temperature: 0}
            defaultTest:
              assert:
                - type: cost
                  threshold: 0.000025
                - type: latency
                  threshold: 10000
                - type: not-icontains
                  value: as an AI
            tests:
              - description: refund window
                vars: {question: "How long do I have to return a jacket?"}
              - description: shipping abroad
                vars: {question: "Do you ship to Norway?"}
              - description: order status
                vars: {question: "Where is my order 1042?"}
            """;
    private static final String V1 = "[{\"role\":\"user\",\"content\":\"Answer the customer briefly: {{ question }}\"}]";
    private static final String V2 = "[{\"role\":\"system\",\"content\":\"You are the support assistant of an outdoor clothing shop. "
            + "Be warm and precise. Returns: 30 days, unworn, with receipt; refunds within 5 business days to the original "
            + "payment method. Shipping: EU 3-5 days, Norway and Switzerland 5-8 days with customs paid by us, rest of the "
            + "world 7-14 days. Orders: give the tracking link when the order number is known, else ask for it. Never "
            + "promise discounts. Escalate complaints about safety to a human at once. Sign off as Kari from Support.\"},"
            + "{\"role\":\"user\",\"content\":\"{{ question }}\"}]";

    private DemoEval() {}

    /** Runs both versions and prints the side-by-side table and the regression table; false when it could not run. */
    static boolean run(String baseUrl, String key) {
        SuiteLoader loader = new SuiteLoader(Scorers.standard());
        GatewayClient client = new GatewayClient(baseUrl, key, Duration.ofSeconds(60),
                Map.of("x-sluice-tags", "eval_run=demo", "x-sluice-cache", "no-store"));
        EvalRunner runner = new EvalRunner(client, Scorers.standard(), (m, s, u, v) -> {
            throw new IllegalStateException("the demo suite has no model-graded checks");
        }, (a, b, m) -> 0);
        RunResult v1 = runner.run(suite(loader, "v1", V1), new EvalRunner.Options("demo-eval-v1", 4, 1, RepeatRule.ALL, null, null));
        RunResult v2 = runner.run(suite(loader, "v2", V2), new EvalRunner.Options("demo-eval-v2", 4, 1, RepeatRule.ALL, null, null));
        System.out.println();
        System.out.println("Evaluation (sluice eval): a 3-test suite against two versions of a support prompt, through the gateway");
        System.out.print(indent(new ResultTable(v1).console()));
        System.out.print(indent(new ResultTable(v2).console()));
        JsonNode before = JsonReport.of(v1);
        JsonNode after = JsonReport.of(v2);
        System.out.println("  Regression table, v2 against v1 (sluice eval --baseline v1.json fails CI with exit 100):");
        System.out.print(indent(Comparison.of(before, after).table()));
        return v1.errors() == 0 && v2.errors() == 0;
    }

    private static Suite suite(SuiteLoader loader, String version, String prompt) {
        return loader.parse(SUITE.formatted(version, version, prompt.replace("'", "''")), "demo suite " + version, null);
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    }
}
