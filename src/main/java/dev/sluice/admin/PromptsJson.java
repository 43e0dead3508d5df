package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.prompts.LabelMove;
import dev.sluice.prompts.Prompt;
import dev.sluice.prompts.PromptVersion;
import dev.sluice.prompts.rollout.AbTest;
import dev.sluice.prompts.rollout.Comparison;
import dev.sluice.prompts.rollout.GateCheck;
import dev.sluice.prompts.rollout.RolloutState;
import dev.sluice.prompts.rollout.ShadowConfig;
import dev.sluice.prompts.rollout.ShadowResults;
import dev.sluice.prompts.rollout.Significance;
import dev.sluice.prompts.rollout.Variant;
import dev.sluice.prompts.rollout.VariantFigures;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The JSON of prompts, versions, label moves, experiments, rollouts and shadows, as the admin API
 * and {@code /v1/prompts} answer them (documented in docs/prompts.md, "HTTP API"). Times are
 * ISO-8601 UTC; absent values are null, never left out, so a dashboard can rely on the keys.
 */
final class PromptsJson {
    private PromptsJson() {}

    static ObjectNode prompt(Prompt p) {
        ObjectNode o = Json.object().put("object", "prompt").put("name", p.name());
        o.put("team", p.team());
        o.put("description", p.description());
        o.put("latest_version", p.latestVersion());
        ObjectNode labels = o.putObject("labels");
        new TreeMap<>(p.labels()).forEach(labels::put);
        o.put("created_at", time(p.createdAt()));
        o.put("created_by", p.createdBy());
        return o;
    }

    /** A version with its content; {@code labels} are the labels pointing at it (latest included). */
    static ObjectNode version(Prompt p, PromptVersion v, Collection<String> variables) {
        ObjectNode o = Json.object().put("object", "prompt.version").put("prompt", v.prompt()).put("version", v.version());
        o.put("ref", v.ref());
        ArrayNode labels = o.putArray("labels");
        new TreeMap<>(p.labels()).forEach((label, n) -> {
            if (n == v.version()) {
                labels.add(label);
            }
        });
        if (p.latestVersion() == v.version()) {
            labels.add("latest");
        }
        o.put("content_hash", v.contentHash());
        o.put("message", v.message());
        o.put("author", v.author());
        o.put("created_at", time(v.createdAt()));
        JsonNode content = v.content().toJson();
        o.set("model", content.path("model").isMissingNode() ? null : content.get("model"));
        o.set("params", content.has("params") ? content.get("params") : Json.object());
        o.set("guardrail_policy", content.has("guardrail_policy") ? content.get("guardrail_policy") : null);
        o.set("messages", content.get("messages"));
        ArrayNode vars = o.putArray("variables");
        variables.forEach(vars::add);
        return o;
    }

    static ObjectNode move(LabelMove m) {
        ObjectNode o = Json.object().put("object", "prompt.label_move").put("id", m.id()).put("prompt", m.prompt())
                .put("label", m.label());
        o.put("from_version", m.fromVersion());
        o.put("to_version", m.toVersion());
        o.put("kind", m.kind());
        o.put("undone", m.undone());
        o.put("ts", time(m.ts()));
        o.put("actor", m.actor());
        o.put("reason", m.reason());
        return o;
    }

    static ObjectNode rollout(RolloutState s, VariantFigures baseline, VariantFigures candidate) {
        ObjectNode o = Json.object().put("object", "rollout").put("id", s.id()).put("subject", s.plan().subject());
        o.put("label", s.plan().label());
        o.put("baseline", s.plan().baseline());
        o.put("candidate", s.plan().candidate());
        o.put("status", s.status().wire());
        o.put("step", s.step() + 1);
        o.set("steps", Json.MAPPER.valueToTree(s.plan().steps()));
        o.put("candidate_percent", s.candidatePercent());
        // a model canary that passed every step keeps routing the model's traffic to the candidate until aborted
        o.put("routing_override", s.status() == dev.sluice.prompts.rollout.RolloutStatus.PROMOTED
                && s.plan().subject().startsWith("model:"));
        o.put("interval_seconds", s.plan().intervalMs() / 1000.0);
        ObjectNode gates = o.putObject("gates");
        gates.put("max_error_rate", s.plan().gates().maxErrorRate());
        gates.put("max_p99_latency_ms", s.plan().gates().maxP99LatencyMs());
        gates.put("min_feedback_positive_rate", s.plan().gates().minPositiveRate());
        gates.put("min_online_score", s.plan().gates().minScore());
        gates.put("min_samples", s.plan().gates().minSamples());
        o.put("started_at", time(s.startedAt()));
        o.put("step_started_at", time(s.stepStartedAt()));
        o.put("updated_at", time(s.updatedAt()));
        o.put("reason", s.reason());
        ArrayNode checks = o.putArray("last_checks");
        for (GateCheck c : s.lastChecks()) {
            ObjectNode g = checks.addObject().put("gate", c.gate()).put("outcome", c.outcome().name().toLowerCase(Locale.ROOT));
            g.put("candidate", c.candidate());
            g.put("baseline", c.baseline());
            g.put("threshold", c.threshold());
        }
        if (baseline != null) {
            ObjectNode window = o.putObject("window");
            window.set("baseline", figures(baseline));
            window.set("candidate", figures(candidate));
        }
        return o;
    }

    static ObjectNode ab(AbTest t, List<VariantFigures> variants, List<Comparison> comparisons) {
        ObjectNode o = Json.object().put("object", "experiment").put("id", t.id()).put("type", "ab")
                .put("subject", t.subject());
        o.put("label", t.label());
        o.put("status", t.status());
        o.put("started_at", time(t.startedAt()));
        o.put("stopped_at", t.stoppedAt() == null ? null : time(t.stoppedAt()));
        o.put("winner", t.winner());
        ArrayNode list = o.putArray("variants");
        for (int i = 0; i < t.variants().size(); i++) {
            Variant v = t.variants().get(i);
            ObjectNode item = list.addObject().put("name", v.name()).put("target", v.target()).put("weight", v.weight());
            if (variants != null) {
                item.set("figures", figures(variants.get(i)));
            }
        }
        if (comparisons != null) {
            ArrayNode cs = o.putArray("comparisons");
            for (Comparison c : comparisons) {
                ObjectNode item = cs.addObject().put("control", c.control().variant()).put("variant", c.variant().variant());
                ArrayNode tests = item.putArray("tests");
                for (Significance.TestResult r : c.tests()) {
                    ObjectNode t2 = tests.addObject().put("metric", r.metric()).put("test", r.test())
                            .put("samples_control", r.samplesA()).put("samples_variant", r.samplesB());
                    t2.put("statistic", finite(r.statistic()));
                    t2.put("p_value", finite(r.pValue()));
                    t2.put("significant", r.significant());
                }
            }
        }
        return o;
    }

    static ObjectNode shadow(String id, String status, ShadowConfig c, ShadowResults.Summary summary) {
        ObjectNode o = Json.object().put("object", "shadow").put("id", id).put("subject", c.subject())
                .put("candidate", c.candidate()).put("status", status).put("share", c.share())
                .put("budget_usd", c.budgetUsd()).put("max_per_minute", c.maxPerMinute());
        if (summary != null) {
            ObjectNode s = o.putObject("results");
            s.put("calls", summary.calls());
            s.put("failures", summary.failures());
            s.put("mean_latency_ms", summary.meanLatencyMs());
            s.put("mean_similarity", summary.meanSimilarity());
            s.put("cost_usd", summary.costUsd());
        }
        return o;
    }

    static ObjectNode figures(VariantFigures f) {
        ObjectNode o = Json.object().put("variant", f.variant()).put("requests", f.requests()).put("errors", f.errors());
        o.put("error_rate", f.errorRate());
        ObjectNode byType = o.putObject("errors_by_type");
        f.errorsByType().forEach(byType::put);
        o.put("latency_p50_ms", f.latencyP50Ms());
        o.put("latency_p99_ms", f.latencyP99Ms());
        o.put("ttft_p50_ms", f.ttftP50Ms());
        o.put("ttft_p99_ms", f.ttftP99Ms());
        o.put("tokens_in", f.tokensIn());
        o.put("tokens_out", f.tokensOut());
        o.put("cost_usd", f.costUsd());
        o.put("rated", f.rated());
        o.put("feedback_positive_rate", f.positiveRate());
        o.put("scored", f.scored());
        o.put("mean_online_score", f.meanScore());
        return o;
    }

    static byte[] list(Collection<? extends JsonNode> items) {
        ObjectNode o = Json.object().put("object", "list");
        o.putArray("data").addAll(items);
        return bytes(o);
    }

    static byte[] bytes(JsonNode node) {
        return Json.string(node).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
