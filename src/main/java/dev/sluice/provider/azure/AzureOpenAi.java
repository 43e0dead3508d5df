package dev.sluice.provider.azure;

import dev.sluice.config.OptionsSchema;
import dev.sluice.config.YamlNode;
import dev.sluice.provider.Provider;
import dev.sluice.provider.ProviderType;
import dev.sluice.provider.openai.OpenAiEndpoint;
import dev.sluice.provider.openai.OpenAiProvider;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Azure OpenAI: OpenAI's wire format (requests, responses, streams, errors), served per
 * deployment at {@code {base}/openai/deployments/{deployment}/chat/completions?api-version={v}}
 * (and {@code /embeddings}), authenticated with an {@code api-key} header instead of a bearer
 * token. Everything but the URL and the credential is {@link OpenAiProvider}'s, so this class is
 * only that {@link OpenAiEndpoint}.
 *
 * <p>The deployment is the configured upstream model name ({@code models.<name>.model}); the
 * request body still carries it as {@code model}, which Azure ignores. Azure's content-filter
 * refusals ({@code error.code: content_filter}, HTTP 400) are classified as content filter by the
 * shared OpenAI-format error classification, and the {@code prompt_filter_results} chunk Azure
 * opens its streams with is dropped by the OpenAI stream decoder.
 */
public final class AzureOpenAi implements OpenAiEndpoint {
    /** The newest GA data-plane version when this was written; configurable as {@code api_version}. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";
    private static final Pattern API_VERSION = Pattern.compile("[0-9A-Za-z.-]+");

    /**
     * Azure's options.
     *
     * @param apiVersion the {@code api-version} query parameter
     */
    public record Options(String apiVersion) {}

    /** Azure's own key, {@code api_version}. */
    public static final OptionsSchema<Options> OPTIONS = new OptionsSchema<>(Options.class, Set.of("api_version"),
            AzureOpenAi::options);

    /** {@code type: azure}: Azure OpenAI at the resource endpoint given as {@code base_url}. */
    public static final ProviderType<Options> TYPE = new ProviderType<>("azure", null,
            "https://my-resource.openai.azure.com", OPTIONS, (config, options, shared) -> provider(config.name(),
                    config.baseUrl(), config.apiKey(), options.apiVersion(), config.connectTimeout()));

    private final String apiKey;
    private final String apiVersionQuery;

    AzureOpenAi(String apiKey, String apiVersion) {
        this.apiKey = apiKey;
        this.apiVersionQuery = "?api-version=" + apiVersion;
    }

    /**
     * @param baseUrl    the resource endpoint, e.g. {@code https://my-resource.openai.azure.com}
     *                   (a trailing {@code /openai} is accepted too)
     * @param apiVersion e.g. {@value #DEFAULT_API_VERSION}
     */
    public static Provider provider(String name, String baseUrl, String apiKey, String apiVersion,
                                    Duration connectTimeout) {
        String base = baseUrl;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/openai")) {
            base = base.substring(0, base.length() - "/openai".length());
        }
        return new OpenAiProvider(name, base, connectTimeout, new AzureOpenAi(apiKey, apiVersion));
    }

    private static Options options(YamlNode node) {
        String apiVersion = node.string("api_version", DEFAULT_API_VERSION);
        if (!API_VERSION.matcher(apiVersion).matches()) {
            throw node.get("api_version").error("'" + apiVersion + "' is not an Azure OpenAI API version",
                    "write it like " + DEFAULT_API_VERSION + " or 2025-01-01-preview");
        }
        return new Options(apiVersion);
    }

    @Override
    public String path(Operation operation, String deployment) {
        return "openai/deployments/" + deployment + "/" + operation.path() + apiVersionQuery;
    }

    @Override
    public void authenticate(Map<String, String> headers) {
        if (apiKey != null && !apiKey.isBlank()) {
            headers.put("api-key", apiKey);
            headers.remove("authorization"); // a forwarded bearer token must not reach Azure beside the key
        }
        // without a key, a forwarded Authorization (an Entra ID token, say) is the credential
    }
}
