package dev.sluice.prompts.rollout;

import dev.sluice.prompts.FreshCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which arm of a running split a request gets: the A/B experiment or canary rollout running on its
 * subject for its label, read from the shared store and kept fresh by {@link FreshCache} (so a split
 * started, paused or rolled back on another gateway instance applies here within about {@code freshness},
 * without a request waiting for the store; changes made here apply at once through {@link #invalidate}). Assignment is by {@link Buckets}: sticky per
 * user, session or key.
 */
public final class TrafficSplits {
    /** Subjects whose splits are kept in memory. */
    public static final int MAX_CACHED = 10_000;
    public static final String BASELINE = "baseline";
    public static final String CANDIDATE = "candidate";

    /**
     * The arm a request was given.
     *
     * @param experiment the A/B experiment's or rollout's id
     * @param variant    the A/B variant's name, or {@link #BASELINE} / {@link #CANDIDATE} in a canary
     * @param target     what the arm serves: a prompt version (as text) or a model
     * @param window     a canary's current step window (its start, epoch ms), which the request log
     *                   records so gates compare both sides over one window; null for A/B
     */
    public record Arm(String experiment, String variant, String target, Long window) {}

    private sealed interface Split {
        String label();

        Arm assign(StickyKey key);
    }

    private record AbSplit(AbTest test) implements Split {
        public String label() {
            return test.label();
        }

        public Arm assign(StickyKey key) {
            Variant v = test.assign(key);
            return new Arm(test.id(), v.name(), v.target(), null);
        }
    }

    private record CanarySplit(RolloutState state) implements Split {
        public String label() {
            return state.plan().label();
        }

        public Arm assign(StickyKey key) {
            boolean candidate = Buckets.inCanary(Buckets.of(state.id(), key), state.candidatePercent());
            return candidate ? new Arm(state.id(), CANDIDATE, state.plan().candidate(), state.stepStartedAt())
                    : new Arm(state.id(), BASELINE, state.plan().baseline(), state.stepStartedAt());
        }
    }

    private final ExperimentStore store;
    private final FreshCache<String, List<Split>> splits;

    public TrafficSplits(ExperimentStore store, Duration freshness) {
        this.store = store;
        this.splits = new FreshCache<>(MAX_CACHED, freshness, this::load);
    }

    /**
     * The arm of the split running on {@code subject} for {@code label} (null label: a model's
     * split), or null when none runs.
     */
    public Arm assign(String subject, String label, StickyKey key) {
        List<Split> running = splits.get(subject);
        for (Split s : running) {
            if (label == null ? s.label() == null : label.equals(s.label())) {
                return s.assign(key);
            }
        }
        return null;
    }

    /** Forgets a subject's splits (after a change made through this instance). */
    public void invalidate(String subject) {
        splits.invalidate(subject);
    }

    public void invalidateAll() {
        splits.invalidateAll();
    }

    private List<Split> load(String subject) {
        List<Split> out = new ArrayList<>(1);
        for (ExperimentRow row : store.activeOn(subject)) {
            switch (row.kind()) {
                case ExperimentRow.AB -> out.add(new AbSplit(Experiments.abTest(row)));
                case ExperimentRow.CANARY -> out.add(new CanarySplit(RolloutDriver.state(row)));
                default -> { } // shadows do not split traffic
            }
        }
        return List.copyOf(out);
    }
}
