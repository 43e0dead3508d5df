package dev.sluice.provider.openai;

import java.util.Map;

/**
 * Where an OpenAI-format upstream serves each operation and how it wants to be authenticated —
 * the only things that differ between OpenAI-compatible servers and Azure OpenAI, which share
 * the wire format, the streaming and the error bodies. {@link OpenAiProvider} does everything
 * else.
 */
public interface OpenAiEndpoint {

    /** The operations an OpenAI-format upstream serves, with their path under OpenAI's base URL. */
    enum Operation {
        CHAT("chat/completions"),
        EMBEDDINGS("embeddings");

        private final String path;

        Operation(String path) {
            this.path = path;
        }

        /** The path under an OpenAI-style base URL, e.g. {@code chat/completions}. */
        public String path() {
            return path;
        }
    }

    /**
     * The request path (relative to the base URL, query included) of {@code operation} for the
     * upstream model {@code upstreamModel}.
     */
    String path(Operation operation, String upstreamModel);

    /** Puts the credential header(s) into {@code headers}, replacing any forwarded ones of the same name. */
    void authenticate(Map<String, String> headers);

    /**
     * OpenAI's own layout: {@code {base}/chat/completions} and {@code {base}/embeddings}, with
     * {@code Authorization: Bearer <key>} when a key is configured (local servers need none).
     */
    static OpenAiEndpoint bearer(String apiKey) {
        return new OpenAiEndpoint() {
            @Override
            public String path(Operation operation, String upstreamModel) {
                return operation.path();
            }

            @Override
            public void authenticate(Map<String, String> headers) {
                if (apiKey != null && !apiKey.isBlank()) {
                    headers.put("authorization", "Bearer " + apiKey);
                }
            }
        };
    }
}
