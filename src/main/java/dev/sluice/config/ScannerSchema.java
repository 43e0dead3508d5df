package dev.sluice.config;

import java.util.Map;

/**
 * A guardrail scanner as the {@code guardrails:} parser sees it. The parser knows no scanner by
 * name: the registry in {@code dev.sluice.guard} implements this, and the config loader is handed
 * it (see {@link ConfigTypes}).
 */
public interface ScannerSchema {

    /** The key in a policy's {@code input:} or {@code output:}, e.g. {@code pii}. */
    String name();

    /** Whether it may run on the request ({@code input:}). */
    boolean input();

    /** Whether it may run on the answer ({@code output:}). */
    boolean output();

    /** Whether it finds spans that {@code action: redact} can rewrite. */
    boolean redactable();

    /** Its options besides {@code action} and {@code threshold}. */
    OptionsSchema<?> options();

    /**
     * The public model names its options refer to, by option key (e.g. the judge's {@code model}),
     * checked against the {@code models:} section once every section is read.
     */
    default Map<String, String> modelReferences(Object options) {
        return Map.of();
    }
}
