package dev.sluice.app;

import dev.sluice.config.ConfigLoader;
import dev.sluice.config.ConfigTypes;
import dev.sluice.guard.ScannerTypes;
import dev.sluice.provider.ProviderTypes;
import java.util.Map;

/**
 * The typed registries Sluice ships, wired into the config loader in one place: {@code config}
 * reads provider and scanner entries through them without importing the packages that own them.
 */
public final class Registries {
    private Registries() {}

    public static ConfigTypes configTypes() {
        return new ConfigTypes(ProviderTypes.ALL, ScannerTypes.ALL);
    }

    /** A config loader resolving {@code ${env:NAME}} from {@code env}. */
    public static ConfigLoader configLoader(Map<String, String> env) {
        return new ConfigLoader(env, configTypes());
    }
}
