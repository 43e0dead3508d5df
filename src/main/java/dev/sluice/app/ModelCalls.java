package dev.sluice.app;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.observe.RequestLogger;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Reply;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * Sluice's own calls to a model (the LLM-as-judge guardrail, online evaluators' judges): a chat
 * request through the router-only pipeline (so routing and fallbacks apply), logged in the request
 * log as {@code <request id>-<suffix>}, with its cost settled like any other request's.
 */
final class ModelCalls {
    private ModelCalls() {}

    /**
     * @param spent told the call's settled cost in USD (0 when unpriced)
     * @return the answer's text
     * @throws SluiceException when the model does not answer
     */
    static String judge(Pipeline pipeline, RequestLogger log, String model, String system, String user,
                        String parentRequestId, String suffix, DoubleConsumer spent) {
        Exchange ex = new Exchange(parentRequestId + "-" + suffix, Exchange.Operation.CHAT, Map.of());
        ex.chat(new ChatRequest(model, List.of(ChatMessage.of("system", system), ChatMessage.of("user", user)), false,
                false, null, null, Json.object().put("type", "json_object"), null, null, null, 0.0, null, null, 200, null,
                null, null));
        ex.onComplete(log);
        ex.onComplete(done -> spent.accept(done.costUsd() == null ? 0 : done.costUsd()));
        Reply reply = pipeline.execute(ex);
        if (reply instanceof Reply.Chat chat) {
            ex.complete(200, null);
            return chat.response().text();
        }
        SluiceException error = reply instanceof Reply.Failure f ? f.error()
                : SluiceException.internal("the judge model did not answer with a chat completion", null);
        ex.complete(error.status(), error.code() != null ? error.code() : error.type());
        throw error;
    }
}
