package dev.sluice.prompts.rollout;

import dev.sluice.api.SluiceException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An A/B split: each request of {@code subject} goes to one of the variants by weight, sticky per
 * user (else session, else key) by hashing with the experiment id as salt.
 *
 * @param subject  {@code prompt:NAME} (targets are version numbers; requests for {@code label} are
 *                 split) or {@code model:NAME} (targets are deployments or models)
 * @param label    for prompts, the label whose traffic is split ({@code production} usually)
 * @param status   {@code running} or {@code stopped}
 * @param winner   the variant promoted when it was stopped, or null
 */
public record AbTest(String id, String subject, String label, List<Variant> variants, String status, long startedAt,
                     Long stoppedAt, String winner) {
    public static final int MAX_VARIANTS = 10;
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    public AbTest {
        variants = List.copyOf(variants);
        if (variants.size() < 2 || variants.size() > MAX_VARIANTS) {
            throw SluiceException.invalidRequest("variants", "An experiment has 2 to " + MAX_VARIANTS + " variants.");
        }
        Set<String> names = new HashSet<>();
        for (Variant v : variants) {
            if (v.name() == null || v.name().isBlank() || !names.add(v.name())) {
                throw SluiceException.invalidRequest("variants", "Each variant needs its own name; '" + v.name()
                        + "' is missing or repeated.");
            }
            if (v.target() == null || v.target().isBlank()) {
                throw SluiceException.invalidRequest("variants", "The variant '" + v.name() + "' needs a target"
                        + " (a prompt version or a model).");
            }
            if (v.weight() < 1 || v.weight() > 1_000_000) {
                throw SluiceException.invalidRequest("variants", "The weight of '" + v.name()
                        + "' must be a whole number from 1 to 1,000,000.");
            }
        }
    }

    /** The variant this key gets, always the same one for the same key. */
    public Variant assign(StickyKey key) {
        return Buckets.pick(variants, Buckets.of(id, key));
    }

    public Variant variant(String name) {
        return variants.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow(() ->
                SluiceException.invalidRequest("variant", "The experiment " + id + " has no variant '" + name
                        + "'; its variants: " + variants.stream().map(Variant::name).toList() + "."));
    }
}
