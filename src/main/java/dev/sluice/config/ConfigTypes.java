package dev.sluice.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed registries the config parser consults for the sections whose entries are selected
 * by name: provider types ({@code providers.<name>.type}) and guardrail scanners (the keys of a
 * policy's {@code input:}/{@code output:}). They live with the code they build; {@code config}
 * only sees these schemas, so it imports no feature package.
 */
public final class ConfigTypes {
    private final Map<String, ProviderSchema> providers = new LinkedHashMap<>();
    private final Map<String, ScannerSchema> scanners = new LinkedHashMap<>();

    public ConfigTypes(List<? extends ProviderSchema> providerTypes, List<? extends ScannerSchema> scannerTypes) {
        for (ProviderSchema p : providerTypes) {
            if (providers.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("two provider types are named " + p.name());
            }
        }
        for (ScannerSchema s : scannerTypes) {
            if (scanners.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("two guardrail scanners are named " + s.name());
            }
        }
    }

    /** Provider types by name, in registration order. */
    public Map<String, ProviderSchema> providers() {
        return Collections.unmodifiableMap(providers);
    }

    /** Guardrail scanners by name, in registration order. */
    public Map<String, ScannerSchema> scanners() {
        return Collections.unmodifiableMap(scanners);
    }
}
