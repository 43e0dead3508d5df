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
 * What a prompt rollout's changes do outside its row: at completion the label moves to the
 * candidate (through the registry, so it is audited and can be rolled back like any move); at an
 * automatic rollback an alert goes out with the failing gate and the figures of both versions, and
 * an audit entry is written. The label itself never pointed at the candidate during the canary,
 * so rolling back is putting the traffic back, which the rollout's state already did.
 */
public final class PromptRolloutEffects implements RolloutDriver.Effects {
    private static final String SUBJECT_PREFIX = "prompt:";
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
        registry.label(promptName(s), s.plan().label(), Integer.parseInt(s.plan().candidate()), actor(s),
                "rollout " + s.id() + " completed: " + s.plan().steps());
    }

    @Override
    public void rolledBack(RolloutState s, GateCheck failed) {
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
        audit.append(new AuditEntry(clock.millis(), "rollout:" + s.id(), "system", "prompt.rollout.abort",
                "prompt:" + promptName(s) + ":" + s.plan().label(), null, null,
                Json.string(Map.of("rollout", s.id(), "reason", String.valueOf(s.reason()))), null));
    }

    private static String promptName(RolloutState s) {
        String subject = s.plan().subject();
        return subject.startsWith(SUBJECT_PREFIX) ? subject.substring(SUBJECT_PREFIX.length()) : subject;
    }

    private static Actor actor(RolloutState s) {
        return new Actor("rollout:" + s.id(), "system", null);
    }
}
