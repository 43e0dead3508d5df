package dev.sluice.prompts.rollout;

import dev.sluice.alert.Alert;
import dev.sluice.api.Json;
import dev.sluice.prompts.Actor;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a rollout's changes do outside its row. A model's rollout (subject {@code model:NAME}) has no label: when
 * it completes, the promoted rollout stays as the model's routing override (all its traffic to the candidate)
 * until it is aborted, and a P3 notice says so; its rollback alerts like a prompt's. For a prompt: at completion the label moves to the
 * candidate (through the registry, so it is audited and can be rolled back like any move); at an
 * automatic rollback an alert goes out with the failing gate and the figures of both versions, and
 * an audit entry is written. The label itself never pointed at the candidate during the canary,
 * so rolling back is putting the traffic back, which the rollout's state already did.
 */
public final class PromptRolloutEffects implements RolloutDriver.Effects {
    private static final String SUBJECT_PREFIX = "prompt:";
    private static final String MODEL_PREFIX = "model:";
    private final PromptRegistry registry;
    private final AuditRepository audit;
    private final Consumer<Alert> alerts;
    private final Clock clock;

    public PromptRolloutEffects(PromptRegistry registry, AuditRepository audit, Consumer<Alert> alerts, Clock clock) {
        this.registry = registry;
        this.audit = audit;
        this.alerts = alerts;
        this.clock = clock;
    }

    @Override
    public void completed(RolloutState s) {
        if (isModel(s)) {
            // no label to move: the promoted rollout itself routes the model's traffic to the candidate from now on
            Map<String, Object> details = modelDetails(s);
            alerts.accept(new Alert("P3", "Model rollout completed: " + modelName(s) + " -> " + s.plan().candidate(),
                    (byHand(s) ? "The canary was " + s.reason() : "Every step of the canary passed") + ": all of "
                            + modelName(s) + "'s traffic now goes to "
                            + s.plan().candidate() + " (rollout " + s.id() + " stays as the routing override). Make it"
                            + " permanent in the config, then end the override: sluice experiments abort " + s.id() + ".",
                    details));
            audit.append(new AuditEntry(clock.millis(), "rollout:" + s.id(), "system", "model.rollout.complete",
                    s.plan().subject(), null, null, Json.string(details), null));
            return;
        }
        registry.label(promptName(s), s.plan().label(), Integer.parseInt(s.plan().candidate()), actor(s),
                byHand(s) ? "rollout " + s.id() + " " + s.reason() : "rollout " + s.id() + " completed: " + s.plan().steps());
    }

    @Override
    public void rolledBack(RolloutState s, GateCheck failed) {
        if (isModel(s)) {
            Map<String, Object> details = modelDetails(s);
            details.put("step_percent", s.plan().steps().get(s.step()));
            details.put("gate", failed.gate());
            details.put("candidate_value", failed.candidate());
            details.put("current_value", failed.baseline());
            details.put("threshold", failed.threshold());
            alerts.accept(new Alert("P2", "Rollout rolled back: model " + modelName(s) + " -> " + s.plan().candidate(),
                    "The canary sending " + modelName(s) + "'s traffic to " + s.plan().candidate() + " was rolled back: "
                            + s.reason() + ". All traffic is on " + modelName(s) + "'s own deployments again.", details));
            audit.append(new AuditEntry(clock.millis(), "rollout:" + s.id(), "system", "model.rollout.rollback",
                    s.plan().subject(), null, null, Json.string(details), null));
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rollout", s.id());
        details.put("prompt", promptName(s));
        details.put("label", s.plan().label());
        details.put("current_version", s.plan().baseline());
        details.put("candidate_version", s.plan().candidate());
        details.put("step_percent", s.plan().steps().get(s.step()));
        details.put("gate", failed.gate());
        details.put("candidate_value", failed.candidate());
        details.put("current_value", failed.baseline());
        details.put("threshold", failed.threshold());
        alerts.accept(new Alert("P2", "Rollout rolled back: " + promptName(s) + "@" + s.plan().candidate(),
                "The canary of " + promptName(s) + " version " + s.plan().candidate() + " (label " + s.plan().label()
                        + ") was rolled back: " + s.reason() + ". All traffic is on version " + s.plan().baseline() + ".",
                details));
        audit.append(new AuditEntry(clock.millis(), "rollout:" + s.id(), "system", "prompt.rollout.rollback",
                "prompt:" + promptName(s) + ":" + s.plan().label(), null, null, Json.string(details), null));
    }

    @Override
    public void aborted(RolloutState s) {
        if (isModel(s)) {
            audit.append(new AuditEntry(clock.millis(), "rollout:" + s.id(), "system", "model.rollout.abort",
                    s.plan().subject(), null, null,
                    Json.string(Map.of("rollout", s.id(), "reason", String.valueOf(s.reason()))), null));
            return;
        }
        audit.append(new AuditEntry(clock.millis(), "rollout:" + s.id(), "system", "prompt.rollout.abort",
                "prompt:" + promptName(s) + ":" + s.plan().label(), null, null,
                Json.string(Map.of("rollout", s.id(), "reason", String.valueOf(s.reason()))), null));
    }

    /** Promoted with {@code POST /admin/rollouts/{id}/promote} rather than by its last step passing. */
    private static boolean byHand(RolloutState s) {
        return s.reason() != null && s.reason().startsWith(CanaryController.BY_HAND);
    }

    private static boolean isModel(RolloutState s) {
        return s.plan().subject().startsWith(MODEL_PREFIX);
    }

    private static String modelName(RolloutState s) {
        return s.plan().subject().substring(MODEL_PREFIX.length());
    }

    private static Map<String, Object> modelDetails(RolloutState s) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rollout", s.id());
        details.put("model", modelName(s));
        details.put("current_model", s.plan().baseline());
        details.put("candidate_model", s.plan().candidate());
        return details;
    }

    private static String promptName(RolloutState s) {
        String subject = s.plan().subject();
        return subject.startsWith(SUBJECT_PREFIX) ? subject.substring(SUBJECT_PREFIX.length()) : subject;
    }

    private static Actor actor(RolloutState s) {
        return new Actor("rollout:" + s.id(), "system", null);
    }
}
