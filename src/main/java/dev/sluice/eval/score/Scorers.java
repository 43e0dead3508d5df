package dev.sluice.eval.score;

import dev.sluice.eval.Assertion;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of assertion types: each name maps to a factory that validates an assertion's value
 * and threshold and builds its {@link Scorer} once. The {@code not-} prefix works for every type.
 * A new check is one class registering itself in {@link #standard()}.
 */
public final class Scorers {
    /** Builds the scorer of one assertion; throws {@link IllegalArgumentException} naming what is wrong. */
    @FunctionalInterface
    public interface Factory {
        Scorer create(Assertion assertion);
    }

    private final Map<String, Factory> factories;

    private Scorers(Map<String, Factory> factories) {
        this.factories = Collections.unmodifiableMap(new TreeMap<>(factories));
    }

    /** Every type Sluice ships: text, JSON, tools, latency and cost, similarity, model-graded. */
    public static Scorers standard() {
        Map<String, Factory> map = new TreeMap<>();
        TextScorers.register(map);
        JsonScorers.register(map);
        MetricScorers.register(map);
        map.put("similar", SimilarScorer::new);
        ModelGradedScorers.register(map);
        return new Scorers(map);
    }

    public Set<String> names() {
        return factories.keySet();
    }

    public boolean has(String type) {
        return factories.containsKey(type);
    }

    /**
     * The scorer of an assertion, negated when it has the {@code not-} prefix.
     *
     * @throws IllegalArgumentException for an unknown type or a bad value, naming the fix
     */
    public Scorer create(Assertion assertion) {
        Factory factory = factories.get(assertion.type());
        if (factory == null) {
            throw new IllegalArgumentException("unknown assertion type '" + assertion.label() + "'");
        }
        Scorer scorer = factory.create(assertion);
        if (!assertion.negated()) {
            return scorer;
        }
        return (answer, context) -> scorer.score(answer, context).negated();
    }
}
