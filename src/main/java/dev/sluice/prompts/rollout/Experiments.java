package dev.sluice.prompts.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.prompts.Actor;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.store.StoreException;
import java.time.Clock;
import java.util.List;

/**
 * A/B experiments and shadows as stored in {@link ExperimentStore}: start, read, stop and promote.
 * Promoting a prompt experiment's variant moves the experiment's label to that variant's version
 * through the registry (audited). Canary rollouts have their own driver ({@link RolloutDriver}).
 */
public final class Experiments {
    private static final String PROMPT_PREFIX = "prompt:";
    private final ExperimentStore store;
    private final PromptRegistry registry;
    private final Clock clock;

    public Experiments(ExperimentStore store, PromptRegistry registry, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
    }

    /** Starts an A/B split; 409 when the subject already has a running split. */
    public AbTest startAb(String subject, String label, List<Variant> variants, String actor) {
        requireSubject(subject);
        long now = clock.millis();
        AbTest test = new AbTest(ExperimentIds.next("ab_"), subject, label, variants, AbTest.RUNNING, now, null, null);
        if (test.subject().startsWith(PROMPT_PREFIX)) {
            for (Variant v : variants) {
                version(v);
            }
        }
        ObjectNode definition = Json.object();
        definition.put("label", label);
        definition.set("variants", Json.MAPPER.valueToTree(variants));
        insert(test.id(), ExperimentRow.AB, subject, definition, now, actor);
        return test;
    }

    public AbTest ab(String id) {
        return abTest(store.find(id).filter(r -> r.kind().equals(ExperimentRow.AB))
                .orElseThrow(() -> SluiceException.notFound("There is no A/B experiment '" + id + "'.")));
    }

    /** The running A/B experiment of a subject, or null (what request routing asks). */
    public AbTest activeAb(String subject) {
        return store.activeOn(subject).stream().filter(r -> r.kind().equals(ExperimentRow.AB)).findFirst()
                .map(Experiments::abTest).orElse(null);
    }

    public List<AbTest> recentAb(int limit) {
        return store.recent(ExperimentRow.AB, limit).stream().map(Experiments::abTest).toList();
    }

    /**
     * Stops the split; with a winner, a prompt experiment's label moves to the winner's version
     * first (so traffic never falls back to an older version in between).
     */
    public AbTest stop(String id, String winner, Actor actor) {
        AbTest test = ab(id);
        if (!AbTest.RUNNING.equals(test.status())) {
            throw new SluiceException(409, "invalid_request_error", "experiment_stopped", null,
                    "The experiment " + id + " is already stopped.");
        }
        if (winner != null) {
            Variant v = test.variant(winner);
            if (test.subject().startsWith(PROMPT_PREFIX)) {
                registry.label(test.subject().substring(PROMPT_PREFIX.length()), test.label(), version(v), actor,
                        "experiment " + id + " promoted variant " + winner);
            }
        }
        ObjectNode state = Json.object().put("stopped_at", clock.millis());
        state.put("winner", winner);
        ExperimentRow row = store.find(id).orElseThrow();
        if (!store.update(id, AbTest.STOPPED, Json.string(state), row.revision(), clock.millis())) {
            throw new SluiceException(409, "invalid_request_error", "experiment_busy", null,
                    "The experiment " + id + " changed meanwhile; try again.");
        }
        return ab(id);
    }

    /** Starts a shadow; several may run on one subject, beside an A/B split or a canary. */
    public String startShadow(ShadowConfig config, String actor) {
        requireSubject(config.subject());
        String id = ExperimentIds.next("sh_");
        insert(id, ExperimentRow.SHADOW, config.subject(), (ObjectNode) Json.MAPPER.valueToTree(config), clock.millis(), actor);
        return id;
    }

    public ShadowConfig shadow(String id) {
        ExperimentRow row = store.find(id).filter(r -> r.kind().equals(ExperimentRow.SHADOW))
                .orElseThrow(() -> SluiceException.notFound("There is no shadow '" + id + "'."));
        return read(row.definition(), ShadowConfig.class);
    }

    /** The newest shadows, whatever their status, as stored. */
    public List<ExperimentRow> recentShadows(int limit) {
        return store.recent(ExperimentRow.SHADOW, limit);
    }

    /** A shadow's row (its status), or 404. */
    public ExperimentRow shadowRow(String id) {
        return store.find(id).filter(r -> r.kind().equals(ExperimentRow.SHADOW))
                .orElseThrow(() -> SluiceException.notFound("There is no shadow '" + id + "'."));
    }

    public static ShadowConfig shadowConfig(ExperimentRow row) {
        return read(row.definition(), ShadowConfig.class);
    }

    public void stopShadow(String id) {
        shadow(id);
        ExperimentRow row = store.find(id).orElseThrow();
        store.update(id, AbTest.STOPPED, row.state(), row.revision(), clock.millis());
    }

    private void insert(String id, String kind, String subject, ObjectNode definition, long now, String actor) {
        try {
            store.insert(new ExperimentRow(id, kind, subject, AbTest.RUNNING, Json.string(definition), null, 1, null, null,
                    now, actor, now));
        } catch (StoreException e) {
            throw new SluiceException(409, "invalid_request_error", "experiment_running", null, "'" + subject
                    + "' already has a running experiment or rollout; stop it first.");
        }
    }

    private int version(Variant v) {
        try {
            int n = Integer.parseInt(v.target());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw SluiceException.invalidRequest("variants", "The variant '" + v.name() + "' of a prompt experiment targets a"
                + " version number; got '" + v.target() + "'.");
    }

    private static void requireSubject(String subject) {
        if (subject == null || !(subject.startsWith(PROMPT_PREFIX) || subject.startsWith("model:"))) {
            throw SluiceException.invalidRequest("subject", "An experiment's subject is prompt:NAME or model:NAME.");
        }
    }

    static AbTest abTest(ExperimentRow row) {
        JsonNode def = read(row.definition(), JsonNode.class);
        JsonNode state = row.state() == null ? Json.object() : read(row.state(), JsonNode.class);
        List<Variant> variants = Json.MAPPER.convertValue(def.get("variants"),
                Json.MAPPER.getTypeFactory().constructCollectionType(List.class, Variant.class));
        return new AbTest(row.id(), row.subject(), def.path("label").asText(null), variants, row.status(), row.createdAt(),
                state.has("stopped_at") ? state.get("stopped_at").asLong() : null, state.path("winner").asText(null));
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt experiment row: " + e.getOriginalMessage(), e);
        }
    }
}
