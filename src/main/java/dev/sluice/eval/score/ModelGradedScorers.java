package dev.sluice.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.eval.Assertion;
import dev.sluice.prompts.template.TemplateEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks graded by a judge model through the gateway, with promptfoo's prompts:
 * {@code llm-rubric} (does the answer satisfy the rubric? a verdict with pass, score and reason)
 * and {@code factuality} (is the answer consistent with the reference? OpenAI's evals categories
 * A–E, where only D, a disagreement, fails). The judge's prompt and verdict are kept in the
 * score's details. A {@code rubricPrompt} replaces the user message; it is a template over
 * {@code output}, {@code rubric} (or {@code expected}) and {@code input}, rendered with the
 * prompt registry's engine.
 */
final class ModelGradedScorers {
    private static final TemplateEngine TEMPLATES = TemplateEngine.lenient();

    static final String RUBRIC_SYSTEM = """
            You are grading output according to a user-specified rubric. If the statement in the rubric \
            is true, then the output passes the test. You respond with a JSON object with this structure: \
            {"reason": string, "pass": boolean, "score": number}, where score is between 0.0 and 1.0.""";
    static final String RUBRIC_USER = """
            <Output>
            {{ output }}
            </Output>
            <Rubric>
            {{ rubric }}
            </Rubric>""";
    static final String FACTUALITY_SYSTEM = """
            You are comparing a submitted answer to an expert answer on a given question. Compare the \
            factual content of the submitted answer with the expert answer. Ignore any differences in style, \
            grammar, or punctuation. The submitted answer may either be a subset or superset of the expert \
            answer, or it may conflict with it. Determine which case applies. Answer with a JSON object \
            {"category": "A" | "B" | "C" | "D" | "E", "reason": string}: (A) The submitted answer is a subset \
            of the expert answer and is fully consistent with it. (B) The submitted answer is a superset of the \
            expert answer and is fully consistent with it. (C) The submitted answer contains all the same \
            details as the expert answer. (D) There is a disagreement between the submitted answer and the \
            expert answer. (E) The answers differ, but these differences don't matter from the perspective of \
            factuality.""";
    static final String FACTUALITY_USER = """
            [BEGIN DATA]
            ************
            [Question]: {{ input }}
            ************
            [Expert]: {{ expected }}
            ************
            [Submission]: {{ output }}
            ************
            [END DATA]""";

    /** The verdicts' shapes, asked for as structured output. */
    static final com.fasterxml.jackson.databind.JsonNode RUBRIC_VERDICT = dev.sluice.api.Json.parse("""
            {"type":"object","properties":{"reason":{"type":"string"},"pass":{"type":"boolean"},
            "score":{"type":"number","minimum":0,"maximum":1}},"required":["reason","pass","score"],
            "additionalProperties":false}""".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    static final com.fasterxml.jackson.databind.JsonNode FACTUALITY_VERDICT = dev.sluice.api.Json.parse("""
            {"type":"object","properties":{"category":{"type":"string","enum":["A","B","C","D","E"]},
            "reason":{"type":"string"}},"required":["category","reason"],"additionalProperties":false}"""
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));

    private ModelGradedScorers() {}

    static void register(Map<String, Scorers.Factory> map) {
        map.put("llm-rubric", a -> {
            String rubric = TextScorers.required(a);
            String user = a.rubricPrompt() != null ? a.rubricPrompt() : RUBRIC_USER;
            TEMPLATES.compile(user);
            return (answer, ctx) -> rubric(a, rubric, user, answer, ctx);
        });
        map.put("factuality", a -> {
            String expected = TextScorers.required(a);
            String user = a.rubricPrompt() != null ? a.rubricPrompt() : FACTUALITY_USER;
            TEMPLATES.compile(user);
            return (answer, ctx) -> factuality(a, expected, user, answer, ctx);
        });
    }

    private static Score rubric(Assertion a, String rubric, String template, Answer answer, ScoreContext ctx) {
        String model = judgeModel(a, ctx);
        String rubricText = TEMPLATES.render(rubric, ctx.vars());
        String user = TEMPLATES.render(template, Map.of("output", answer.text(), "rubric", rubricText,
                "input", ctx.prompt(), "vars", ctx.vars()));
        String raw = ctx.judge().complete(model, RUBRIC_SYSTEM, user, RUBRIC_VERDICT);
        Map<String, Object> details = details(model, RUBRIC_SYSTEM, user, raw);
        JsonNode verdict = verdict(raw);
        if (verdict == null || !(verdict.has("pass") || verdict.has("score"))) {
            return new Score(false, 0, "The judge's answer is not a verdict (JSON with pass, score, reason)", details);
        }
        double score = verdict.has("score") ? clamp(verdict.path("score").asDouble()) : verdict.path("pass").asBoolean() ? 1 : 0;
        boolean pass = verdict.has("pass") ? verdict.path("pass").asBoolean() : score >= 0.5;
        if (a.threshold() != null) {
            pass = pass && score >= a.threshold();
        }
        String reason = verdict.path("reason").asText("");
        return new Score(pass, score, "Judge " + model + ": " + (reason.isEmpty() ? (pass ? "pass" : "fail") : reason), details);
    }

    private static Score factuality(Assertion a, String expected, String template, Answer answer, ScoreContext ctx) {
        String model = judgeModel(a, ctx);
        String user = TEMPLATES.render(template, Map.of("output", answer.text(),
                "expected", TEMPLATES.render(expected, ctx.vars()), "input", ctx.prompt(), "vars", ctx.vars()));
        String raw = ctx.judge().complete(model, FACTUALITY_SYSTEM, user, FACTUALITY_VERDICT);
        Map<String, Object> details = details(model, FACTUALITY_SYSTEM, user, raw);
        JsonNode verdict = verdict(raw);
        String category = verdict == null ? "" : verdict.path("category").asText("").strip().toUpperCase(java.util.Locale.ROOT);
        if (category.startsWith("(")) {
            category = category.substring(1);
        }
        if (category.isEmpty() || "ABCDE".indexOf(category.charAt(0)) < 0) {
            return new Score(false, 0, "The judge's answer names no category A-E", details);
        }
        char c = category.charAt(0);
        boolean pass = c != 'D';
        String reason = verdict.path("reason").asText("");
        return new Score(pass, pass ? 1 : 0, "Judge " + model + ": category " + c + (reason.isEmpty() ? "" : " - " + reason), details);
    }

    private static String judgeModel(Assertion a, ScoreContext ctx) {
        String model = a.provider() != null ? SimilarScorer.embeddingModel(a.provider()) : ctx.grader();
        if (model == null) {
            throw new IllegalStateException("no judge model: set --grader or defaultTest.options.provider");
        }
        return model;
    }

    private static JsonNode verdict(String raw) {
        JsonNode whole = TextScorers.parseOrNull(raw);
        if (whole != null && whole.isObject()) {
            return whole;
        }
        List<JsonNode> found = JsonScorers.embedded(raw);
        return found.stream().filter(JsonNode::isObject).findFirst().orElse(null);
    }

    private static Map<String, Object> details(String model, String system, String user, String raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("judge_model", model);
        m.put("judge_prompt", system + "\n\n" + user);
        m.put("judge_verdict", raw);
        return m;
    }

    private static double clamp(double d) {
        return Math.max(0, Math.min(1, d));
    }
}
