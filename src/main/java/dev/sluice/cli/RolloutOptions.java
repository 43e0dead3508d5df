package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.List;
import picocli.CommandLine.Option;

/** What every canary rollout takes on the command line: steps, step length, gates, and the eval requirement. */
final class RolloutOptions {
    @Option(names = "--steps", split = ",", description = "Candidate shares in percent, ending at 100 (default: 5,25,50,100).")
    List<Integer> steps;

    @Option(names = "--every", defaultValue = "10m", description = "How long each step lasts (default: ${DEFAULT-VALUE}).")
    String every;

    @Option(names = "--max-error-rate", description = "Gate: e.g. 0.05 (default 0.05).")
    Double maxErrorRate;

    @Option(names = "--max-p99-latency-ms", description = "Gate: p99 latency in ms.")
    Long maxP99;

    @Option(names = "--min-feedback-positive-rate", description = "Gate: share of positive feedback, e.g. 0.8.")
    Double minPositive;

    @Option(names = "--min-online-score", description = "Gate: mean online evaluation score in [0, 1].")
    Double minScore;

    @Option(names = "--min-samples", description = "Requests the candidate needs per step before a verdict (default 50).")
    Integer minSamples;

    @Option(names = "--require-eval", description = "Refuse to start unless the newest stored eval run of the candidate"
            + " (sluice eval --store) passed.")
    boolean requireEval;

    /** Adds the options to the body, starts the rollout and prints what started. */
    int start(KeysCommand.Target target, ObjectNode body, String what) {
        body.put("every", every);
        if (steps != null) {
            body.set("steps", Json.MAPPER.valueToTree(steps));
        }
        ObjectNode gates = Json.object();
        if (maxErrorRate != null) {
            gates.put("max_error_rate", maxErrorRate);
        }
        if (maxP99 != null) {
            gates.put("max_p99_latency_ms", maxP99);
        }
        if (minPositive != null) {
            gates.put("min_feedback_positive_rate", minPositive);
        }
        if (minScore != null) {
            gates.put("min_online_score", minScore);
        }
        if (minSamples != null) {
            gates.put("min_samples", minSamples);
        }
        if (!gates.isEmpty()) {
            body.set("gates", gates);
        }
        if (requireEval) {
            body.put("require_eval", true);
        }
        JsonNode s = target.client().post("/admin/rollouts", body);
        System.out.println(target.json ? s.toPrettyString() : "Started rollout " + s.path("id").asText() + ": "
                + what + ", " + s.path("baseline").asText() + " -> " + s.path("candidate").asText() + ", steps "
                + s.path("steps") + " every " + every + (s.has("eval") ? " (eval run " + s.path("eval").path("run").asText()
                + " passed " + s.path("eval").path("passed").asInt() + "/" + s.path("eval").path("cases").asInt() + ")" : "")
                + ". Follow it: sluice experiments status " + s.path("id").asText());
        return 0;
    }
}
