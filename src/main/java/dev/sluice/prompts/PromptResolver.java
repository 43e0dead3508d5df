package dev.sluice.prompts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.api.SluiceException;
import java.time.Duration;
import java.util.Optional;

/**
 * The request path's view of the registry: prompts (their labels) kept fresh by {@link FreshCache}, so a
 * label moved on another gateway instance is seen within about {@code freshness}; versions cached until
 * evicted, since they never change. Writes through this instance's registry invalidate at once.
 */
public final class PromptResolver {
    /** Prompts and versions kept in memory. */
    public static final int MAX_CACHED = 2_000;

    private final PromptRepository repository;
    private final FreshCache<String, Optional<Prompt>> prompts;
    private final Cache<String, Optional<PromptVersion>> versions = Caffeine.newBuilder().maximumSize(MAX_CACHED).build();

    public PromptResolver(PromptRepository repository, Duration freshness) {
        this.repository = repository;
        this.prompts = new FreshCache<>(MAX_CACHED, freshness, repository::find);
    }

    /** The prompt, or a 404 naming {@code prompt.id}. */
    public Prompt prompt(String name) {
        return prompts.get(name).orElseThrow(() -> new SluiceException(404, "invalid_request_error",
                "prompt_not_found", "prompt.id", "There is no prompt '" + name + "'. `sluice prompts list` shows the"
                + " prompts; `sluice prompts push DIR` creates them."));
    }

    /** One version, or a 404 naming {@code prompt.version}. */
    public PromptVersion version(Prompt prompt, int version) {
        Optional<PromptVersion> v = versions.get(prompt.name() + "@" + version, k -> repository.version(prompt.name(), version));
        if (v.isEmpty()) {
            versions.invalidate(prompt.name() + "@" + version); // it may be pushed in a moment
            throw new SluiceException(404, "invalid_request_error", "prompt_version_not_found", "prompt.version",
                    "The prompt '" + prompt.name() + "' has no version " + version + (prompt.latestVersion() == 0
                    ? "; it has no versions yet." : "; its latest is " + prompt.latestVersion() + "."));
        }
        return v.get();
    }

    /** The version a label points at ({@code latest} included), or a 404 naming {@code prompt.label}. */
    public int labelled(Prompt prompt, String label) {
        if (PromptNames.LATEST.equals(label)) {
            return prompt.latestVersion();
        }
        Integer v = prompt.labels().get(label);
        if (v == null) {
            throw new SluiceException(404, "invalid_request_error", "prompt_label_not_found", "prompt.label",
                    "The prompt '" + prompt.name() + "' has no label '" + label + "'. Its labels: "
                    + String.join(", ", prompt.labels().keySet().stream().sorted().toList())
                    + (prompt.labels().isEmpty() ? "" : ", ") + PromptNames.LATEST + ".");
        }
        return v;
    }

    /** Forgets what is cached of a prompt (after a push or a label move here). */
    public void invalidate(String name) {
        prompts.invalidate(name);
    }
}
