package dev.sluice.prompts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.prompts.template.TemplateEngine;
import dev.sluice.prompts.template.TemplateException;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The prompt registry's operations, shared by the admin API and the CLI (which calls the admin
 * API): push (a new version only when the content changed), read and resolve versions, diff,
 * move labels and roll them back. Every change is written to the audit log. Who may do what is
 * the caller's check (the admin layer knows roles; each prompt carries its owning team).
 */
public final class PromptRegistry {
    /** Versions listed at most per call. */
    public static final int MAX_LIST = 500;

    /** What a push did to one prompt. */
    public enum PushStatus { CREATED, UPDATED, UNCHANGED }

    /**
     * @param version the version the prompt now has as latest (the new one, or the unchanged one)
     * @param diff    unified diff from the previous latest version (empty when unchanged)
     */
    public record PushResult(String name, PushStatus status, int version, String diff) {}

    private final PromptRepository repository;
    private final AuditRepository audit;
    private final TemplateEngine templates;
    private final Clock clock;
    private volatile Consumer<String> changed = name -> { };

    public PromptRegistry(PromptRepository repository, AuditRepository audit, TemplateEngine templates, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.templates = templates;
        this.clock = clock;
    }

    /** Told the prompt's name after each change made here (a new version, a label move), to drop cached copies. */
    public void onChange(Consumer<String> listener) {
        this.changed = listener;
    }

    /**
     * Pushes several definitions: all are validated before any is written, so a bad file changes
     * nothing; then each gets a new version only if its content changed (idempotent).
     */
    public List<PushResult> push(List<PromptDefinition> definitions, String message, Actor actor) {
        definitions.forEach(this::validate);
        List<PushResult> out = new ArrayList<>(definitions.size());
        for (PromptDefinition d : definitions) {
            out.add(pushOne(d, message, actor));
        }
        return out;
    }

    public PushResult push(PromptDefinition d, String message, Actor actor) {
        validate(d);
        return pushOne(d, message, actor);
    }

    private PushResult pushOne(PromptDefinition d, String message, Actor actor) {
        long now = clock.millis();
        boolean created = repository.insertPrompt(d.name(), d.team(), d.description(), now, actor.id());
        Prompt prompt = prompt(d.name());
        if (created) {
            audit(actor, "prompt.create", d.name(), prompt.team(), null, promptJson(prompt));
        } else if (!Objects.equals(prompt.team(), d.team()) || !Objects.equals(prompt.description(), d.description())) {
            repository.updatePrompt(d.name(), d.team(), d.description());
            changed.accept(d.name());
            audit(actor, "prompt.update", d.name(), d.team(), promptJson(prompt), promptJson(prompt(d.name())));
        }
        PromptVersion before = repository.latest(d.name()).orElse(null);
        var appended = repository.appendVersion(d.name(), d.content(), message, actor.id(), now);
        if (appended.isEmpty()) {
            return new PushResult(d.name(), PushStatus.UNCHANGED, before == null ? 0 : before.version(), "");
        }
        PromptVersion v = appended.get();
        changed.accept(d.name());
        audit(actor, "prompt.version.create", v.ref(), d.team(), null, versionJson(v));
        String diff = VersionDiff.unified(before == null ? "/dev/null" : before.ref(), before == null ? null : before.content(),
                v.ref(), v.content());
        return new PushResult(d.name(), created ? PushStatus.CREATED : PushStatus.UPDATED, v.version(), diff);
    }

    /** Checks that every message template compiles; a 400 naming the message otherwise. */
    public void validate(PromptDefinition d) {
        List<PromptMessage> messages = d.content().messages();
        for (int i = 0; i < messages.size(); i++) {
            try {
                templates.compile(messages.get(i).content());
            } catch (TemplateException e) {
                throw SluiceException.invalidRequest("messages[" + i + "].content", "The template of " + d.name()
                        + " messages[" + i + "] does not compile: " + e.getMessage());
            }
        }
    }

    public Prompt prompt(String name) {
        PromptNames.requirePrompt(name, "name");
        return repository.find(name).orElseThrow(() -> unknownPrompt(name));
    }

    /** All prompts, or one team's (null = all). */
    public List<Prompt> list(String team) {
        return repository.list(team);
    }

    /** The version a reference points at; 404s name the prompt, the version or the label. */
    public PromptVersion resolve(PromptRef ref) {
        Prompt prompt = prompt(ref.name());
        int version;
        if (ref.version() != null) {
            version = ref.version();
        } else if (ref.label() != null && !PromptNames.LATEST.equals(ref.label())) {
            Integer labelled = prompt.labels().get(ref.label());
            if (labelled == null) {
                throw new SluiceException(404, "invalid_request_error", "prompt_label_not_found", "prompt.label",
                        "The prompt '" + ref.name() + "' has no label '" + ref.label() + "'. Its labels: "
                                + labelList(prompt) + ".");
            }
            version = labelled;
        } else {
            version = prompt.latestVersion();
        }
        return repository.version(ref.name(), version).orElseThrow(() -> new SluiceException(404, "invalid_request_error",
                "prompt_version_not_found", "prompt.version", "The prompt '" + ref.name() + "' has no version " + version
                + (prompt.latestVersion() == 0 ? "; it has no versions yet." : "; its latest is " + prompt.latestVersion() + ".")));
    }

    public List<PromptVersion> versions(String name, int limit) {
        prompt(name);
        return repository.versions(name, Math.clamp(limit, 1, MAX_LIST));
    }

    /** The unified diff from version {@code a} to version {@code b}. */
    public String diff(String name, int a, int b) {
        PromptVersion from = resolve(new PromptRef(name, a, null));
        PromptVersion to = resolve(new PromptRef(name, b, null));
        return VersionDiff.unified(from.ref(), from.content(), to.ref(), to.content());
    }

    /** Points a label at a version (audited); returns the move. */
    public LabelMove label(String name, String label, int version, Actor actor, String reason) {
        PromptNames.requireMovableLabel(label, "label");
        Prompt prompt = prompt(name);
        resolve(new PromptRef(name, version, null));
        LabelMove move = repository.moveLabel(name, label, version, actor.id(), reason, clock.millis());
        changed.accept(name);
        audit(actor, "prompt.label.move", name + ":" + label, prompt.team(), labelJson(label, move.fromVersion(), reason),
                labelJson(label, move.toVersion(), reason));
        return move;
    }

    /**
     * Moves a label back to the version it pointed at before its newest move not yet rolled back;
     * repeated rollbacks keep walking back. 409 when there is nothing to go back to.
     */
    public LabelMove rollback(String name, String label, Actor actor, String reason) {
        PromptNames.requireMovableLabel(label, "label");
        Prompt prompt = prompt(name);
        if (!prompt.labels().containsKey(label)) {
            throw new SluiceException(404, "invalid_request_error", "prompt_label_not_found", "label",
                    "The prompt '" + name + "' has no label '" + label + "'. Its labels: " + labelList(prompt) + ".");
        }
        LabelMove move = repository.undoLastMove(name, label, actor.id(), reason, clock.millis())
                .orElseThrow(() -> new SluiceException(409, "invalid_request_error", "nothing_to_roll_back", "label",
                        "The label '" + label + "' of '" + name + "' has no earlier version to go back to."));
        changed.accept(name);
        audit(actor, "prompt.label.rollback", name + ":" + label, prompt.team(),
                labelJson(label, move.fromVersion(), reason), labelJson(label, move.toVersion(), reason));
        return move;
    }

    /** Label moves newest first (of one label, or all when null). */
    public List<LabelMove> history(String name, String label, int limit) {
        prompt(name);
        return repository.moves(name, label, Math.clamp(limit, 1, MAX_LIST));
    }

    private void audit(Actor actor, String action, String target, String team, ObjectNode before, ObjectNode after) {
        audit.append(new AuditEntry(clock.millis(), actor.id(), actor.role(), action, "prompt:" + target, team,
                before == null ? null : Json.string(before), after == null ? null : Json.string(after), actor.requestId()));
    }

    private static SluiceException unknownPrompt(String name) {
        return new SluiceException(404, "invalid_request_error", "prompt_not_found", "prompt.id",
                "There is no prompt '" + name + "'. `sluice prompts list` shows the prompts; `sluice prompts push DIR` creates them.");
    }

    private static String labelList(Prompt prompt) {
        List<String> names = new ArrayList<>(prompt.labels().keySet());
        names.add(PromptNames.LATEST);
        return String.join(", ", names);
    }

    private static ObjectNode promptJson(Prompt p) {
        ObjectNode o = Json.object().put("name", p.name());
        o.put("team", p.team());
        o.put("description", p.description());
        return o;
    }

    private static ObjectNode versionJson(PromptVersion v) {
        return Json.object().put("prompt", v.prompt()).put("version", v.version()).put("content_hash", v.contentHash())
                .put("message", v.message());
    }

    private static ObjectNode labelJson(String label, Integer version, String reason) {
        ObjectNode o = Json.object().put("label", label);
        o.put("version", version);
        o.put("reason", reason);
        return o;
    }
}
