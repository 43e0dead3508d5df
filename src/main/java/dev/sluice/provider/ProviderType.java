package dev.sluice.provider;

import dev.sluice.config.OptionsSchema;
import dev.sluice.config.ProviderConfig;
import dev.sluice.config.ProviderSchema;
import java.util.function.Supplier;

/**
 * One kind of upstream, selected by {@code providers.<name>.type}: its name, where its API lives
 * by default, its own options (a typed record read and checked when the config is loaded) and
 * how a configured entry becomes a {@link Provider}. Each provider folder declares its type;
 * {@link ProviderTypes} lists them.
 *
 * <pre>{@code
 * public static final ProviderType<NoOptions> TYPE = new ProviderType<>("openai", "https://api.openai.com/v1",
 *         null, OptionsSchema.none(), (config, options, shared) -> new OpenAiProvider(...));
 * }</pre>
 *
 * @param defaultBaseUrl the base URL when an entry gives none; null when none is needed or it must be given
 * @param baseUrlExample non-null when an entry must give {@code base_url}: an example for the error message
 */
public record ProviderType<O>(String name, String defaultBaseUrl, String baseUrlExample, OptionsSchema<O> options,
                              Factory<O> factory) implements ProviderSchema {

    /** Builds the provider of one configured entry. */
    @FunctionalInterface
    public interface Factory<O> {
        Provider create(ProviderConfig config, O options, Shared shared);
    }

    /**
     * What providers of a config share and what is closed with them (the embedded simulators):
     * one instance per key, created on first use.
     */
    public interface Shared {
        <T extends AutoCloseable> T get(Object key, Class<T> type, Supplier<T> create);
    }

    /** The provider for {@code config}, an entry the config loader read with this type's schema. */
    public Provider create(ProviderConfig config, Shared shared) {
        return factory.create(config, options.cast(config.options()), shared);
    }
}
