package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.eval.store.EvalRuns;
import dev.sluice.prompts.Prompt;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.prompts.PromptRef;
import dev.sluice.prompts.Shadows;
import dev.sluice.prompts.rollout.AbTest;
import dev.sluice.prompts.rollout.ExperimentRow;
import dev.sluice.prompts.rollout.ShadowConfig;
import dev.sluice.prompts.rollout.ShadowResults;
import dev.sluice.prompts.rollout.Comparison;
import dev.sluice.prompts.rollout.Experiments;
import dev.sluice.prompts.rollout.Gates;
import dev.sluice.prompts.rollout.Observation;
import dev.sluice.prompts.rollout.RequestFigures;
import dev.sluice.prompts.rollout.RolloutDriver;
import dev.sluice.prompts.rollout.RolloutPlan;
import dev.sluice.prompts.rollout.RolloutState;
import dev.sluice.prompts.rollout.TrafficSplits;
import dev.sluice.prompts.rollout.Variant;
import dev.sluice.prompts.rollout.VariantFigures;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /admin/experiments} (A/B splits), {@code /admin/rollouts} (canaries) and
 * {@code /admin/shadows} (shadow traffic and its comparison report): start, list,
 * status with live figures, stop / promote, pause, resume, abort. Experiments on a prompt need
 * write access to the prompt's team; experiments on a model need an owner key. Every change is
 * audited. The JSON shapes are documented in docs/prompts.md ("HTTP API").
 */
public final class ExperimentsAdmin implements Endpoints {
    /** The default step interval of a rollout. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
    private static final String PROMPT = "prompt:";
    private final AdminGuard guard;
    private final PromptRegistry registry;
    private final Experiments experiments;
    private final RolloutDriver rollouts;
    private final RequestFigures figures;
    private final TrafficSplits splits;
    private final Shadows shadows;
    private final ShadowResults shadowResults;
    private final EvalRuns evalRuns;
    private final java.util.function.Supplier<java.util.Collection<String>> models;

    /**
     * @param evalRuns the stored evaluation runs a rollout with {@code require_eval} checks
     * @param models   the public models of the config (a model rollout's subject and candidate are among them)
     */
    public ExperimentsAdmin(AdminGuard guard, PromptRegistry registry, Experiments experiments, RolloutDriver rollouts,
                            RequestFigures figures, TrafficSplits splits, Shadows shadows, ShadowResults shadowResults,
                            EvalRuns evalRuns, java.util.function.Supplier<java.util.Collection<String>> models) {
        this.evalRuns = evalRuns;
        this.models = models;
        this.guard = guard;
        this.registry = registry;
        this.experiments = experiments;
        this.rollouts = rollouts;
        this.figures = figures;
        this.splits = splits;
        this.shadows = shadows;
        this.shadowResults = shadowResults;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .post("/admin/experiments", this::startAb)
                .get("/admin/experiments", this::listAb)
                .get("/admin/experiments/{id}", this::showAb)
                .post("/admin/experiments/{id}/stop", this::stopAb)
                .post("/admin/rollouts", this::startRollout)
                .get("/admin/rollouts", this::listRollouts)
                .get("/admin/rollouts/{id}", this::showRollout)
                .post("/admin/rollouts/{id}/pause", this::pause)
                .post("/admin/rollouts/{id}/resume", this::resume)
                .post("/admin/rollouts/{id}/abort", this::abort)
                .post("/admin/rollouts/{id}/promote", this::promote)
                .post("/admin/shadows", this::startShadow)
                .get("/admin/shadows", this::listShadows)
                .get("/admin/shadows/{id}", this::showShadow)
                .post("/admin/shadows/{id}/stop", this::stopShadow);
    }

    /** Body: {@code {"prompt": NAME | "subject": "model:NAME", "label": "production", "variants": [{name, target, weight}]}}. */
    private void startAb(AdminGuard.Call call) {
        AdminBody body = call.body();
        String subject = subject(body);
        String label = subject.startsWith(PROMPT) ? orDefault(body.text("label"), "production") : null;
        requireWrite(call, subject, "start an experiment on");
        JsonNode list = body.node("variants");
        if (list == null || !list.isArray()) {
            throw SluiceException.invalidRequest("variants", "Send 'variants': 2 to " + AbTest.MAX_VARIANTS
                    + " objects {name, target, weight} (target: a version number for a prompt, a model for a model).");
        }
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            String at = "variants[" + i + "]";
            if (!v.isObject()) {
                throw SluiceException.invalidType(at, "an object {name, target, weight}");
            }
            String target = v.path("target").isValueNode() ? v.path("target").asText() : null;
            if (target != null && subject.startsWith(PROMPT)) {
                registry.resolve(PromptRef.parse(subject.substring(PROMPT.length()) + "@" + target, at + ".target"));
            }
            variants.add(new Variant(v.path("name").asText(null), target, v.path("weight").asInt(1)));
        }
        AbTest test = experiments.startAb(subject, label, variants, call.who.id());
        splits.invalidate(subject);
        call.audit("experiment.start", test.id(), team(subject), null, Json.string(PromptsJson.ab(test, null, null)));
        call.send(201, PromptsJson.bytes(PromptsJson.ab(test, null, null)));
    }

    private void listAb(AdminGuard.Call call) {
        List<JsonNode> out = new ArrayList<>();
        for (AbTest t : experiments.recentAb(call.limit())) {
            if (visible(call, t.subject())) {
                out.add(PromptsJson.ab(t, null, null));
            }
        }
        call.send(200, PromptsJson.list(out));
    }

    /** The experiment with each variant's figures since it started and each variant compared with the first. */
    private void showAb(AdminGuard.Call call) {
        AbTest t = experiments.ab(call.path("id"));
        requireRead(call, t.subject());
        long to = t.stoppedAt() != null ? t.stoppedAt() + 1 : Long.MAX_VALUE;
        List<List<Observation>> served = new ArrayList<>();
        List<VariantFigures> perVariant = new ArrayList<>();
        for (Variant v : t.variants()) {
            List<Observation> obs = figures.observations(t.id(), v.name(), t.startedAt(), to);
            served.add(obs);
            perVariant.add(VariantFigures.of(v.name(), obs));
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 1; i < t.variants().size(); i++) {
            comparisons.add(Comparison.of(t.variants().getFirst().name(), served.getFirst(), t.variants().get(i).name(),
                    served.get(i)));
        }
        call.send(200, PromptsJson.bytes(PromptsJson.ab(t, perVariant, comparisons)));
    }

    /** Body (optional): {@code {"winner": VARIANT}}: a prompt's label moves to the winner's version. */
    private void stopAb(AdminGuard.Call call) {
        AbTest t = experiments.ab(call.path("id"));
        requireWrite(call, t.subject(), "stop an experiment on");
        AbTest stopped = experiments.stop(t.id(), call.body().text("winner"), PromptsAdmin.actor(call));
        splits.invalidate(t.subject());
        call.audit("experiment.stop", t.id(), team(t.subject()), null, Json.string(PromptsJson.ab(stopped, null, null)));
        call.send(200, PromptsJson.bytes(PromptsJson.ab(stopped, null, null)));
    }

    /**
     * Body: {@code {"prompt": NAME, "label": "production", "to": VERSION, "steps": [5, 25, 50, 100],
     * "every": "10m", "gates": {...}, "require_eval": true}}; the current version is where the label points now.
     */
    private void startRollout(AdminGuard.Call call) {
        AdminBody body = call.body();
        if (body.has("model")) {
            startModelRollout(call, body);
            return;
        }
        String name = body.text("prompt");
        if (name == null) {
            throw SluiceException.missing("prompt");
        }
        Prompt p = registry.prompt(name);
        call.who.requireWrite(p.team(), "roll out prompt '" + name + "'");
        String label = orDefault(body.text("label"), "production");
        int baseline = registry.resolve(PromptRef.parse(name + ":" + label, "label")).version();
        JsonNode to = body.node("to");
        if (to == null || !to.canConvertToInt()) {
            throw SluiceException.invalidRequest("to", "Send 'to': the version to roll out.");
        }
        int candidate = registry.resolve(PromptRef.parse(name + "@" + to.asInt(), "to")).version();
        EvalRuns.Coverage eval = requireEval(body, name, candidate, p.team(), name + "@" + candidate);
        Duration every = body.has("every") ? body.duration("every") : DEFAULT_INTERVAL;
        RolloutPlan plan = new RolloutPlan(PROMPT + name, label, Integer.toString(baseline), Integer.toString(candidate),
                steps(body.node("steps")), every.toMillis(), gates(body.node("gates")));
        RolloutState s = rollouts.start(plan, call.who.id());
        splits.invalidate(plan.subject());
        com.fasterxml.jackson.databind.node.ObjectNode out = PromptsJson.rollout(s, null, null);
        if (eval != null) {
            out.putObject("eval").put("run", eval.runId()).put("cases", eval.cases()).put("passed", eval.passed());
        }
        call.audit("prompt.rollout.start", s.id(), p.team(), null, Json.string(out));
        call.send(201, PromptsJson.bytes(out));
    }

    /**
     * Body: {@code {"model": NAME, "to": MODEL, "steps", "every", "gates", "require_eval"}}: a growing share of the
     * requests for NAME (sticky per user) is served by the model MODEL, with the same gates and rollback as a
     * prompt's canary. Owner keys only (models serve every team).
     */
    private void startModelRollout(AdminGuard.Call call, AdminBody body) {
        if (body.has("prompt") || body.has("label")) {
            throw SluiceException.invalidRequest(body.has("prompt") ? "prompt" : "label", "A rollout is of a prompt"
                    + " ('prompt', 'label') or of a model ('model'), not both.");
        }
        String model = body.text("model");
        call.who.requireOwner("roll out a model");
        knownModel(model, "model");
        JsonNode to = body.node("to");
        if (to == null || !to.isTextual()) {
            throw SluiceException.invalidRequest("to", "Send 'to': the model that takes over " + model + "'s traffic.");
        }
        String candidate = to.asText();
        knownModel(candidate, "to");
        EvalRuns.Coverage eval = requireEval(body, EvalRuns.MODEL_PREFIX + candidate, 0, null, "model " + candidate);
        Duration every = body.has("every") ? body.duration("every") : DEFAULT_INTERVAL;
        RolloutPlan plan = new RolloutPlan("model:" + model, null, model, candidate, steps(body.node("steps")),
                every.toMillis(), gates(body.node("gates")));
        RolloutState s = rollouts.start(plan, call.who.id());
        splits.invalidate(plan.subject());
        com.fasterxml.jackson.databind.node.ObjectNode out = PromptsJson.rollout(s, null, null);
        if (eval != null) {
            out.putObject("eval").put("run", eval.runId()).put("cases", eval.cases()).put("passed", eval.passed());
        }
        call.audit("model.rollout.start", s.id(), null, null, Json.string(out));
        call.send(201, PromptsJson.bytes(out));
    }

    private void knownModel(String model, String param) {
        if (model == null || model.isBlank()) {
            throw SluiceException.missing(param);
        }
        java.util.Collection<String> models = this.models.get();
        if (!models.contains(model)) {
            throw SluiceException.invalidRequest(param, "There is no model '" + model + "' in the config. Models: "
                    + String.join(", ", new java.util.TreeSet<>(models)) + ".");
        }
    }

    /**
     * With {@code "require_eval": true}: the newest stored evaluation run that evaluated NAME@candidate (the
     * gateway served that version in at least one of its cases) must have passed every such case; a 409
     * otherwise, naming what is missing. Returns that run, or null when no eval is required.
     */
    private EvalRuns.Coverage requireEval(AdminBody body, String name, int candidate, String team, String ref) {
        JsonNode flag = body.node("require_eval");
        if (flag == null || flag.isNull() || (flag.isBoolean() && !flag.asBoolean())) {
            return null;
        }
        if (!flag.isBoolean()) {
            throw SluiceException.invalidType("require_eval", "true or false");
        }
        boolean model = name.startsWith(EvalRuns.MODEL_PREFIX);
        EvalRuns.Coverage c = evalRuns.newestCovering(name, candidate, team).orElseThrow(() -> new SluiceException(409,
                "invalid_request_error", "eval_required", "require_eval", "No stored evaluation run has evaluated " + ref
                + ". Run the suite against it and store the run first: sluice eval SUITE.yaml --store with the provider "
                + (model ? "openai:chat:" + name.substring(EvalRuns.MODEL_PREFIX.length()) : "sluice:prompt:" + ref + " (or a label pointing at version " + candidate + ")")
                + "."));
        if (!c.passing()) {
            throw new SluiceException(409, "invalid_request_error", "eval_failed", "require_eval", "The newest stored"
                    + " evaluation run of " + ref + ", " + c.runId() + ", failed " + (c.cases() - c.passed()) + " of its "
                    + c.cases() + " cases on that version (sluice eval show " + c.runId() + "). Fix the version, or run"
                    + " the suite again and store a passing run.");
        }
        return c;
    }

    private void listRollouts(AdminGuard.Call call) {
        List<JsonNode> out = new ArrayList<>();
        List<RolloutState> list = "active".equals(call.query("status")) ? rollouts.active() : rollouts.recent(call.limit());
        for (RolloutState s : list) {
            if (visible(call, s.plan().subject())) {
                out.add(PromptsJson.rollout(s, null, null));
            }
        }
        call.send(200, PromptsJson.list(out));
    }

    /** The rollout with both sides' figures over the current step's window. */
    private void showRollout(AdminGuard.Call call) {
        RolloutState s = rollouts.get(call.path("id"));
        requireRead(call, s.plan().subject());
        VariantFigures base = VariantFigures.of(TrafficSplits.BASELINE, figures.observations(s, s.plan().baseline(), 0, 0));
        VariantFigures cand = VariantFigures.of(TrafficSplits.CANDIDATE, figures.observations(s, s.plan().candidate(), 0, 0));
        call.send(200, PromptsJson.bytes(PromptsJson.rollout(s, base, cand)));
    }

    private void pause(AdminGuard.Call call) {
        change(call, "pause", s -> rollouts.pause(s.id(), call.body().text("reason")));
    }

    private void resume(AdminGuard.Call call) {
        change(call, "resume", s -> rollouts.resume(s.id()));
    }

    private void abort(AdminGuard.Call call) {
        change(call, "abort", s -> rollouts.abort(s.id(), orDefault(call.body().text("reason"), "aborted by " + call.who.id())));
    }

    /** Promote now: the candidate takes all the traffic (a prompt's label moves to it) without waiting for the steps left. */
    private void promote(AdminGuard.Call call) {
        change(call, "promote", s -> rollouts.promote(s.id(), call.body().text("reason")));
    }

    private void change(AdminGuard.Call call, String action, java.util.function.UnaryOperator<RolloutState> op) {
        RolloutState s = rollouts.get(call.path("id"));
        requireWrite(call, s.plan().subject(), action + " a rollout of");
        RolloutState after = op.apply(s);
        splits.invalidate(s.plan().subject());
        call.audit("prompt.rollout." + action, s.id(), team(s.plan().subject()), Json.string(PromptsJson.rollout(s, null, null)),
                Json.string(PromptsJson.rollout(after, null, null)));
        call.send(200, PromptsJson.bytes(PromptsJson.rollout(after, null, null)));
    }

    /**
     * Body: {@code {"prompt": NAME | "subject": "model:NAME", "candidate": VERSION | MODEL, "share": 0.1,
     * "budget_usd": 5, "max_per_minute": 60}}.
     */
    private void startShadow(AdminGuard.Call call) {
        AdminBody body = call.body();
        String subject = subject(body);
        requireWrite(call, subject, "shadow");
        JsonNode candidateNode = body.node("candidate");
        if (candidateNode == null || !candidateNode.isValueNode()) {
            throw SluiceException.invalidRequest("candidate", "Send 'candidate': a prompt version number, or a model.");
        }
        String candidate = candidateNode.asText();
        if (subject.startsWith(PROMPT)) {
            registry.resolve(PromptRef.parse(subject.substring(PROMPT.length()) + "@" + candidate, "candidate"));
        }
        ShadowConfig config = new ShadowConfig(subject, candidate, number(body, "share", 0.1), number(body, "budget_usd", 5.0),
                (int) number(body, "max_per_minute", 60.0));
        String id = experiments.startShadow(config, call.who.id());
        shadows.invalidate(subject);
        JsonNode out = PromptsJson.shadow(id, "running", config, null);
        call.audit("experiment.shadow.start", id, team(subject), null, Json.string(out));
        call.send(201, PromptsJson.bytes(out));
    }

    private static double number(AdminBody body, String field, double fallback) {
        JsonNode v = body.node(field);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw SluiceException.invalidType(field, "a number");
        }
        return v.asDouble();
    }

    private void listShadows(AdminGuard.Call call) {
        List<JsonNode> out = new ArrayList<>();
        for (ExperimentRow row : experiments.recentShadows(call.limit())) {
            if (visible(call, row.subject())) {
                out.add(PromptsJson.shadow(row.id(), row.status(), Experiments.shadowConfig(row), null));
            }
        }
        call.send(200, PromptsJson.list(out));
    }

    /** The comparison report: the candidate's calls, failures, latency, similarity and cost so far. */
    private void showShadow(AdminGuard.Call call) {
        ExperimentRow row = experiments.shadowRow(call.path("id"));
        requireRead(call, row.subject());
        call.send(200, PromptsJson.bytes(PromptsJson.shadow(row.id(), row.status(), Experiments.shadowConfig(row),
                shadowResults.summary(row.id()))));
    }

    private void stopShadow(AdminGuard.Call call) {
        ExperimentRow row = experiments.shadowRow(call.path("id"));
        requireWrite(call, row.subject(), "stop a shadow of");
        experiments.stopShadow(row.id());
        shadows.invalidate(row.subject());
        ExperimentRow after = experiments.shadowRow(row.id());
        JsonNode out = PromptsJson.shadow(after.id(), after.status(), Experiments.shadowConfig(after),
                shadowResults.summary(after.id()));
        call.audit("experiment.shadow.stop", row.id(), team(row.subject()), null, Json.string(out));
        call.send(200, PromptsJson.bytes(out));
    }

    private static List<Integer> steps(JsonNode node) {
        if (node == null) {
            return RolloutPlan.DEFAULT_STEPS;
        }
        if (!node.isArray()) {
            throw SluiceException.invalidType("steps", "an array of percentages, e.g. [5, 25, 50, 100]");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.canConvertToInt()) {
                throw SluiceException.invalidType("steps", "an array of percentages, e.g. [5, 25, 50, 100]");
            }
            out.add(n.asInt());
        }
        return out;
    }

    static Gates gates(JsonNode node) {
        if (node == null) {
            return Gates.DEFAULT;
        }
        if (!node.isObject()) {
            throw SluiceException.invalidType("gates", "an object");
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!List.of("max_error_rate", "max_p99_latency_ms", "min_feedback_positive_rate", "min_online_score",
                    "min_samples").contains(k)) {
                throw SluiceException.invalidRequest("gates." + k, "Unknown gate '" + k + "'. Gates: max_error_rate,"
                        + " max_p99_latency_ms, min_feedback_positive_rate, min_online_score, min_samples.");
            }
        });
        return new Gates(number(node, "max_error_rate", Gates.DEFAULT.maxErrorRate()),
                node.has("max_p99_latency_ms") ? Long.valueOf(node.get("max_p99_latency_ms").asLong()) : null,
                number(node, "min_feedback_positive_rate", null), number(node, "min_online_score", null),
                node.has("min_samples") ? node.get("min_samples").asInt() : Gates.DEFAULT.minSamples());
    }

    private static Double number(JsonNode node, String field, Double fallback) {
        JsonNode v = node.get(field);
        if (v == null) {
            return fallback;
        }
        if (v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw SluiceException.invalidType("gates." + field, "a number");
        }
        return v.asDouble();
    }

    private static String subject(AdminBody body) {
        String prompt = body.text("prompt");
        String subject = body.text("subject");
        if (prompt != null && subject != null) {
            throw SluiceException.invalidRequest("subject", "Give either 'prompt' or 'subject', not both.");
        }
        if (prompt != null) {
            return PROMPT + prompt;
        }
        if (subject == null) {
            throw SluiceException.missing("prompt");
        }
        return subject;
    }

    private void requireWrite(AdminGuard.Call call, String subject, String what) {
        if (subject.startsWith(PROMPT)) {
            Prompt p = registry.prompt(subject.substring(PROMPT.length()));
            call.who.requireWrite(p.team(), what + " prompt '" + p.name() + "'");
        } else {
            call.who.requireOwner(what + " a model");
        }
    }

    private void requireRead(AdminGuard.Call call, String subject) {
        call.who.requireRead(team(subject), subject);
    }

    private boolean visible(AdminGuard.Call call, String subject) {
        String team = call.who.visibleTeam();
        return team == null || team.equals(team(subject));
    }

    /** The team owning a subject (a prompt's team; models belong to the organisation). */
    private String team(String subject) {
        if (!subject.startsWith(PROMPT)) {
            return null;
        }
        try {
            return registry.prompt(subject.substring(PROMPT.length())).team();
        } catch (SluiceException e) {
            return null;
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

}
