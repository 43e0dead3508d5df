package dev.sluice.config;

/**
 * A provider type as the {@code providers:} parser sees it. The parser knows no provider by
 * name: the registry in {@code dev.sluice.provider} implements this, and the config loader is
 * handed it (see {@link ConfigTypes}).
 */
public interface ProviderSchema {

    /** The {@code type:} value, e.g. {@code openai}. */
    String name();

    /** The base URL when an entry gives none, or null when the entry must give one. */
    String defaultBaseUrl();

    /** A base URL to show in messages, e.g. {@code https://my-resource.openai.azure.com}. */
    String baseUrlExample();

    /** Keys of this type beyond the ones every provider has (type, base_url, api_key, timeouts, forward_headers). */
    OptionsSchema<?> options();
}
