package dev.sluice.prompts.rollout;

import java.util.List;

/**
 * A canary's persisted state: the plan, where it is, and the last verdict's figures. Stored as one
 * row shared by every gateway instance on the store; {@code revision} grows with every write, and
 * a write that does not find the revision it read is refused (someone paused it meanwhile).
 *
 * @param step          index into the plan's steps
 * @param stepStartedAt epoch ms when the current step's window began
 * @param reason        why it ended or paused (e.g. the failing gate), or null
 * @param lastChecks    the gates' verdicts at the last evaluation
 */
public record RolloutState(String id, RolloutPlan plan, RolloutStatus status, int step, long stepStartedAt,
                           long startedAt, long updatedAt, String reason, List<GateCheck> lastChecks, long revision) {

    public RolloutState {
        lastChecks = lastChecks == null ? List.of() : List.copyOf(lastChecks);
    }

    /** The share of the label's traffic the candidate gets now, in percent. */
    public int candidatePercent() {
        return switch (status) {
            case RUNNING, PAUSED -> plan.steps().get(step);
            case PROMOTED -> 100;
            case ROLLED_BACK, ABORTED -> 0;
        };
    }

    RolloutState with(RolloutStatus newStatus, int newStep, long newStepStartedAt, long now, String newReason,
                      List<GateCheck> checks) {
        return new RolloutState(id, plan, newStatus, newStep, newStepStartedAt, startedAt, now, newReason, checks, revision);
    }
}
