package dev.sluice.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.eval.run.AssertionResult;
import dev.sluice.eval.run.CaseResult;
import dev.sluice.eval.run.RunResult;
import dev.sluice.eval.run.Trial;

/**
 * A run as JSON: what {@code -o run.json} writes, what {@code --baseline run.json} reads back and
 * what the gateway stores. One object per case with its trials and every check's verdict.
 */
public final class JsonReport {
    private JsonReport() {}

    public static ObjectNode of(RunResult run) {
        ObjectNode root = Json.object();
        root.put("id", run.runId());
        root.put("description", run.description());
        root.put("suite", run.suiteFile());
        root.put("started_at", run.started().toString());
        root.put("duration_ms", run.durationMs());
        root.put("repeat", run.repeat());
        root.put("repeat_rule", run.rule().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode prompts = root.putArray("prompts");
        run.prompts().forEach(prompts::add);
        ArrayNode targets = root.putArray("targets");
        run.targets().forEach(targets::add);
        ObjectNode stats = root.putObject("stats");
        stats.put("cases", run.cases().size());
        stats.put("passed", run.passed());
        stats.put("failed", run.failed());
        stats.put("errors", run.errors());
        stats.put("pass_rate", run.passRate());
        stats.put("cost_usd", run.totalCostUsd());
        stats.put("tokens", run.totalTokens());
        stats.put("mean_latency_ms", Math.round(run.meanLatencyMs()));
        root.set("served_prompts", servedPrompts(run));
        ArrayNode results = root.putArray("results");
        for (CaseResult c : run.cases()) {
            ObjectNode r = results.addObject();
            r.put("key", c.key());
            r.put("test_index", c.testIndex());
            r.put("test", c.test().name());
            if (c.test().description() != null) {
                r.put("description", c.test().description());
            }
            r.set("vars", Json.MAPPER.valueToTree(c.test().vars()));
            r.put("prompt", c.prompt());
            r.put("prompt_index", run.prompts().indexOf(c.prompt()));
            r.put("target", c.target());
            r.put("model", c.model());
            if (c.test().metadata().get("source_request_id") instanceof String source) {
                r.put("source_request_id", source);
            }
            r.put("pass", c.pass());
            r.put("score", c.score());
            r.put("latency_ms", Math.round(c.meanLatencyMs()));
            if (c.costUsd() != null) {
                r.put("cost_usd", c.costUsd());
            }
            if (!c.pass()) {
                r.put("reason", c.failureReason());
            }
            ArrayNode trials = r.putArray("trials");
            for (Trial t : c.trials()) {
                ObjectNode o = trials.addObject();
                o.put("request_id", t.answer().requestId());
                if (t.answer().servedPrompt() != null) {
                    o.put("served_prompt", t.answer().servedPrompt());
                }
                o.put("output", t.answer().text());
                if (t.answer().toolCalls() != null) {
                    o.set("tool_calls", t.answer().toolCalls());
                }
                if (t.answer().error() != null) {
                    o.put("error", t.answer().error());
                }
                o.put("pass", t.pass());
                o.put("score", t.score());
                o.put("latency_ms", t.answer().latencyMs());
                if (t.answer().costUsd() != null) {
                    o.put("cost_usd", t.answer().costUsd());
                }
                o.put("prompt_tokens", t.answer().promptTokens());
                o.put("completion_tokens", t.answer().completionTokens());
                ArrayNode asserts = o.putArray("asserts");
                for (AssertionResult a : t.asserts()) {
                    ObjectNode ao = asserts.addObject();
                    ao.put("type", a.type());
                    ao.put("pass", a.pass());
                    ao.put("score", a.score());
                    ao.put("reason", a.reason());
                    if (a.metric() != null) {
                        ao.put("metric", a.metric());
                    }
                    if (!a.details().isEmpty()) {
                        ao.set("details", Json.MAPPER.valueToTree(a.details()));
                    }
                }
            }
        }
        return root;
    }

    /**
     * The registry prompt versions the gateway served in this run ({@code x-sluice-prompt}), each with the cases
     * that got at least one answer from it and how many of those passed: what a rollout's {@code require_eval}
     * reads.
     */
    private static ArrayNode servedPrompts(RunResult run) {
        java.util.Map<String, int[]> counts = new java.util.TreeMap<>();
        for (CaseResult c : run.cases()) {
            java.util.Set<String> served = new java.util.TreeSet<>();
            for (Trial t : c.trials()) {
                if (t.answer().servedPrompt() != null) {
                    served.add(t.answer().servedPrompt());
                }
            }
            for (String s : served) {
                int[] n = counts.computeIfAbsent(s, k -> new int[2]);
                n[0]++;
                n[1] += c.pass() ? 1 : 0;
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        counts.forEach((prompt, n) -> out.addObject().put("prompt", prompt).put("cases", n[0]).put("passed", n[1]));
        return out;
    }

    public static String write(RunResult run) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(of(run)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The per-case summary of a stored or written run, keyed by {@link CaseResult#key()}. */
    public static java.util.Map<String, JsonNode> casesByKey(JsonNode run) {
        java.util.Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        for (JsonNode r : run.path("results")) {
            out.put(r.path("key").asText(), r);
        }
        return out;
    }
}
