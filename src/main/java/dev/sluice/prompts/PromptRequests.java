package dev.sluice.prompts;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Tool;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a chat request and a prompt version into the request that goes upstream: the version's
 * rendered messages first, then the request's own; the version's model and parameters wherever
 * the request does not set them; the {@code prompt} field removed. Used by the gateway's prompt
 * stage and by anything else that runs stored prompts (evaluations).
 */
public final class PromptRequests {
    private PromptRequests() {}

    /**
     * @param request   the client's request (its model may be null: the version's is used)
     * @param variables the template variables
     * @throws SluiceException 400 for missing or unknown variables, or when neither names a model
     */
    public static ChatRequest apply(ChatRequest request, PromptVersion version, Map<String, ?> variables,
                                    PromptRenderer renderer) {
        PromptRenderer.Rendered rendered = renderer.render(version, variables);
        List<ChatMessage> messages = new ArrayList<>(rendered.messages().size() + request.messages().size());
        messages.addAll(rendered.messages());
        messages.addAll(request.messages());
        PromptContent content = version.content();
        String model = request.model() != null ? request.model() : content.model();
        if (model == null) {
            throw SluiceException.invalidRequest("model", "The prompt " + version.ref() + " names no model; set 'model'"
                    + " in the request (or push a version of the prompt with a model).");
        }
        ModelParams p = content.params();
        ObjectNode extra = request.extra() == null ? null : request.extra().deepCopy();
        if (extra != null) {
            extra.remove(ChatRequestCodec.PROMPT);
        }
        List<Tool> tools = request.tools().isEmpty() && p.tools() != null ? tools(p) : request.tools();
        boolean maxSet = request.maxTokens() != null || request.maxCompletionTokens() != null;
        return new ChatRequest(model, messages, request.stream(), request.includeUsage(), tools,
                request.toolChoice() != null ? request.toolChoice() : p.toolChoice(),
                request.responseFormat() != null ? request.responseFormat() : p.responseFormat(),
                request.n(), request.stop().isEmpty() ? p.stop() : request.stop(),
                request.seed() != null ? request.seed() : p.seed(),
                request.temperature() != null ? request.temperature() : p.temperature(),
                request.topP() != null ? request.topP() : p.topP(),
                maxSet ? request.maxTokens() : p.maxTokens(), request.maxCompletionTokens(),
                request.user(), request.metadata(), extra);
    }

    /** The version's tools, read through the request codec so they are the same records a client's would be. */
    private static List<Tool> tools(ModelParams p) {
        ObjectNode probe = Json.object().put("model", "probe");
        probe.putArray("messages").addObject().put("role", "user").put("content", ".");
        probe.set("tools", p.tools());
        return ChatRequestCodec.read(probe).tools();
    }
}
