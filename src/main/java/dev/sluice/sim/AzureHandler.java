package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;

/**
 * Azure OpenAI's deployment paths, {@code POST /openai/deployments/{deployment}/chat/completions}
 * and {@code .../embeddings}, answered by the OpenAI handlers: Azure speaks OpenAI's wire format.
 * What is Azure's own: the {@code api-version} query parameter is required (without it Azure
 * answers 404 "Resource not found"), and the deployment names the model when the body does not.
 * The {@code api-key} header is recorded like every header but not checked, so a gateway test can
 * assert what was sent.
 */
final class AzureHandler extends SimEndpoint {
    static final String PATH_PREFIX = "/openai/deployments/";

    /** Which OpenAI operation a deployment path ends in. */
    enum Operation { CHAT, EMBEDDINGS }

    private final Operation operation;
    private final OpenAiChatHandler chat;
    private final OpenAiEmbeddingsHandler embeddings;

    AzureHandler(SimContext sim, Dialect dialect, Operation operation, OpenAiChatHandler chat,
                 OpenAiEmbeddingsHandler embeddings) {
        super(sim, dialect);
        this.operation = operation;
        this.chat = chat;
        this.embeddings = embeddings;
    }

    @Override
    protected void serve(Received received, HttpCall res) {
        String apiVersion = java.util.Objects.requireNonNullElse(received.http().query("api-version"), "");
        if (apiVersion.isBlank()) {
            throw new SluiceException(404, "invalid_request_error", "404", null, "Resource not found");
        }
        JsonNode json = received.jsonOrFail();
        if (json.isObject() && !json.path("model").isTextual()) {
            ObjectNode withModel = ((ObjectNode) json).deepCopy(); // the recorded body stays what was sent
            withModel.put("model", deployment(received.http().path()));
            json = withModel;
        }
        switch (operation) {
            case CHAT -> chat.answer(ChatRequestCodec.read(json), received.faults(), res);
            case EMBEDDINGS -> embeddings.answer(EmbeddingCodec.readRequest(Json.bytes(json)), received.faults(), res);
        }
    }

    /** The {deployment} segment of /openai/deployments/{deployment}/... */
    static String deployment(String path) {
        String rest = path.substring(PATH_PREFIX.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
