package dev.sluice.prompts.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives canary rollouts stored in the shared store: starts them, and at every {@link #tick()}
 * evaluates the running ones this instance holds the lease of (see {@link ExperimentStore}), then
 * runs the effects of what changed (move the label, alert). Pause, resume and abort may come to
 * any instance; they are optimistic writes that win over a concurrent tick. State lives only in
 * the store, so a restarted instance, or another one, carries on where the rollout was.
 */
public final class RolloutDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutDriver.class);
    private static final int WRITE_ATTEMPTS = 5;

    /** The requests of one side of a rollout over a window (from the request log in the gateway). */
    @FunctionalInterface
    public interface FiguresSource {
        /** @param target the plan's baseline or candidate */
        List<Observation> observations(RolloutState rollout, String target, long fromMs, long toMs);
    }

    /** What happens outside the rollout's row when it changes state. */
    public interface Effects {
        /** The candidate moved to the next step's share. */
        default void promoted(RolloutState s) {}

        /** The last step passed: point the label at the candidate. */
        void completed(RolloutState s);

        /** A gate failed: traffic is back on the current version; tell people, with the figures. */
        void rolledBack(RolloutState s, GateCheck failed);

        /** Someone stopped it by hand. */
        default void aborted(RolloutState s) {}
    }

    /** The progress part of a rollout's row ({@code state} column), as JSON. */
    public record Progress(int step, long stepStartedAt, long startedAt, String reason, List<GateCheck> lastChecks) {}

    private final ExperimentStore store;
    private final FiguresSource figures;
    private final Effects effects;
    private final Clock clock;
    private final String instanceId;
    private final long leaseMs;
    private final List<String> leased = new ArrayList<>();

    /**
     * @param instanceId this gateway instance (unique per process)
     * @param lease      how long a lease lasts without renewal: longer than the tick period
     */
    public RolloutDriver(ExperimentStore store, FiguresSource figures, Effects effects, Clock clock, String instanceId,
                         Duration lease) {
        this.store = store;
        this.figures = figures;
        this.effects = effects;
        this.clock = clock;
        this.instanceId = instanceId;
        this.leaseMs = lease.toMillis();
    }

    /** Starts a rollout; 409 when the subject already has a running split (A/B or canary). */
    public RolloutState start(RolloutPlan plan, String actor) {
        long now = clock.millis();
        RolloutState s = new RolloutState(ExperimentIds.next("ro_"), plan,
                RolloutStatus.RUNNING, 0, now, now, now, null, List.of(), 1);
        if (!store.activeOn(plan.subject()).stream().filter(r -> !r.kind().equals(ExperimentRow.SHADOW)).toList().isEmpty()) {
            throw busy(plan.subject());
        }
        try {
            store.insert(new ExperimentRow(s.id(), ExperimentRow.CANARY, plan.subject(), s.status().wire(), json(plan),
                    json(progress(s)), 1, null, null, now, actor, now));
        } catch (StoreException e) {
            throw busy(plan.subject()); // the unique index: another instance started one at the same moment
        }
        return s;
    }

    public RolloutState get(String id) {
        return state(store.find(id).filter(r -> r.kind().equals(ExperimentRow.CANARY)).orElseThrow(() ->
                SluiceException.notFound("There is no rollout '" + id + "'.")));
    }

    /** The newest rollouts, whatever their status. */
    public List<RolloutState> recent(int limit) {
        return store.recent(ExperimentRow.CANARY, limit).stream().map(RolloutDriver::state).toList();
    }

    /** Running and paused rollouts. */
    public List<RolloutState> active() {
        return store.active(ExperimentRow.CANARY).stream().map(RolloutDriver::state).toList();
    }

    /** The running or paused rollout of a subject, if any (what request routing asks). */
    public RolloutState activeOn(String subject) {
        return store.activeOn(subject).stream().filter(r -> r.kind().equals(ExperimentRow.CANARY)).findFirst()
                .map(RolloutDriver::state).orElse(null);
    }

    /**
     * Evaluates every running rollout this instance holds (or can take) the lease of, once;
     * returns their states after it. Called periodically; tests call it after moving the clock.
     */
    public List<RolloutState> tick() {
        List<RolloutState> out = new ArrayList<>();
        for (ExperimentRow candidateRow : store.active(ExperimentRow.CANARY)) {
            if (!RolloutStatus.RUNNING.wire().equals(candidateRow.status())) {
                continue;
            }
            long now = clock.millis();
            if (!store.tryLease(candidateRow.id(), instanceId, now, leaseMs)) {
                continue;
            }
            synchronized (leased) {
                if (!leased.contains(candidateRow.id())) {
                    leased.add(candidateRow.id());
                }
            }
            try {
                out.add(evaluate(candidateRow.id()));
            } catch (RuntimeException e) {
                LOG.warn("Rollout {} could not be evaluated this time: {}", candidateRow.id(), e.toString());
            }
        }
        return out;
    }

    private RolloutState evaluate(String id) {
        RolloutState s = get(id);
        if (s.status() != RolloutStatus.RUNNING) {
            return s;
        }
        long now = clock.millis();
        RolloutPlan plan = s.plan();
        VariantFigures baseline = VariantFigures.of(plan.baseline(),
                figures.observations(s, plan.baseline(), s.stepStartedAt(), now));
        VariantFigures candidate = VariantFigures.of(plan.candidate(),
                figures.observations(s, plan.candidate(), s.stepStartedAt(), now));
        CanaryController.Decision d = CanaryController.decide(s, baseline, candidate, clock.instant());
        RolloutState next = CanaryController.apply(s, d, clock.instant());
        if (!store.update(id, next.status().wire(), json(progress(next)), s.revision(), now)) {
            return get(id); // someone paused or aborted it meanwhile: their write stands
        }
        switch (d) {
            case CanaryController.Decision.Promote p -> effects.promoted(next);
            case CanaryController.Decision.Complete c -> effects.completed(next);
            case CanaryController.Decision.RollBack r -> effects.rolledBack(next, r.failed());
            case CanaryController.Decision.Wait w -> { }
        }
        return get(id);
    }

    public RolloutState pause(String id, String reason) {
        return change(id, s -> CanaryController.pause(s, clock.instant(), reason));
    }

    public RolloutState resume(String id) {
        return change(id, s -> CanaryController.resume(s, clock.instant()));
    }

    /**
     * Promotes a running or paused rollout now, skipping the steps left, and runs the completion's effects (a
     * prompt's label moves to the candidate). The write names the revision it read, so an evaluation that
     * completed or rolled it back meanwhile wins and this answers 409 {@code rollout_state}: the effects run once.
     */
    public RolloutState promote(String id, String reason) {
        RolloutState after = change(id, s -> CanaryController.promoteNow(s, clock.instant(), reason));
        effects.completed(after);
        return after;
    }

    public RolloutState abort(String id, String reason) {
        RolloutState after = change(id, s -> CanaryController.abort(s, clock.instant(), reason));
        effects.aborted(after);
        return after;
    }

    /** Read, transition, write with the revision read; again when another write came in between. */
    private RolloutState change(String id, UnaryOperator<RolloutState> transition) {
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            RolloutState s = get(id);
            RolloutState next = transition.apply(s);
            if (store.update(id, next.status().wire(), json(progress(next)), s.revision(), clock.millis())) {
                return get(id);
            }
        }
        throw new SluiceException(409, "invalid_request_error", "rollout_busy", null, "The rollout " + id
                + " kept changing while this request tried to change it; try again.");
    }

    /** Gives up this instance's leases, so another instance drives the rollouts at once. */
    @Override
    public void close() {
        synchronized (leased) {
            for (String id : leased) {
                try {
                    store.releaseLease(id, instanceId);
                } catch (RuntimeException e) {
                    LOG.debug("Lease of {} not released (it expires by itself): {}", id, e.toString());
                }
            }
            leased.clear();
        }
    }

    static RolloutState state(ExperimentRow row) {
        try {
            RolloutPlan plan = Json.MAPPER.readValue(row.definition(), RolloutPlan.class);
            Progress p = Json.MAPPER.readValue(row.state(), Progress.class);
            return new RolloutState(row.id(), plan, RolloutStatus.of(row.status()), p.step(), p.stepStartedAt(),
                    p.startedAt(), row.updatedAt(), p.reason(), p.lastChecks(), row.revision());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt rollout row " + row.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static Progress progress(RolloutState s) {
        return new Progress(s.step(), s.stepStartedAt(), s.startedAt(), s.reason(), s.lastChecks());
    }

    private static String json(Object value) {
        return Json.string(value);
    }

    private static SluiceException busy(String subject) {
        return new SluiceException(409, "invalid_request_error", "experiment_running", null, "'" + subject
                + "' already has a running experiment or rollout; stop it first (`sluice experiments stop ID`).");
    }
}
