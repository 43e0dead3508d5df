package dev.sluice.provider;

import dev.sluice.config.ProviderConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of a config, built by their types, and what they share; closing it closes that
 * (the embedded simulators).
 */
public final class Providers implements AutoCloseable, ProviderType.Shared {
    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);
    private final Map<String, Provider> byName = new LinkedHashMap<>();
    private final Map<Object, AutoCloseable> shared = new LinkedHashMap<>();

    private Providers() {}

    /** Builds every configured provider with the shipped {@link ProviderTypes}. */
    public static Providers create(Map<String, ProviderConfig> configs) {
        return create(configs, ProviderTypes.ALL);
    }

    public static Providers create(Map<String, ProviderConfig> configs, List<ProviderType<?>> types) {
        Map<String, ProviderType<?>> typesByName = new LinkedHashMap<>();
        types.forEach(t -> typesByName.put(t.name(), t));
        Providers out = new Providers();
        try {
            for (ProviderConfig config : configs.values()) {
                ProviderType<?> type = typesByName.get(config.type());
                if (type == null) {
                    throw new IllegalArgumentException("provider '" + config.name() + "' has the type '" + config.type()
                            + "', which is not among " + typesByName.keySet() + "; load the config with the same registry");
                }
                out.byName.put(config.name(), type.create(config, out));
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Every provider, by its config name, in config order. */
    public Map<String, Provider> byName() {
        return Collections.unmodifiableMap(byName);
    }

    @Override
    public synchronized <T extends AutoCloseable> T get(Object key, Class<T> type, Supplier<T> create) {
        return type.cast(shared.computeIfAbsent(key, k -> create.get()));
    }

    @Override
    public synchronized void close() {
        shared.values().forEach(Providers::closeQuietly);
        shared.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
