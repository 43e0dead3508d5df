package dev.sluice.app;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.config.GuardrailsConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.Guardrails;
import dev.sluice.observe.RequestLogger;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Reply;
import java.util.List;
import java.util.Map;

/**
 * {@code guardrails:}: the input guard ({@link Slot#INPUT_GUARD}) and output guard
 * ({@link Slot#OUTPUT_GUARD}), when any policy is configured. The LLM-as-judge scanner calls its
 * model through the router, logged in the request log like any other call.
 */
final class GuardrailsModule implements Module {
    private final Guardrails guardrails;

    GuardrailsModule(GuardrailsConfig config, Embedder embedder, RoutingModule routing, StoreModule store) {
        Pipeline direct = routing.direct();
        RequestLogger log = store.requestLogger();
        this.guardrails = Guardrails.create(config, () -> embedder,
                (model, system, user, parent) -> judge(direct, log, model, system, user, parent));
    }

    @Override
    public String name() {
        return "guardrails";
    }

    @Override
    public void contribute(Contributions to) {
        if (guardrails != null) {
            to.stage(Slot.INPUT_GUARD, guardrails.inputStage());
            to.stage(Slot.OUTPUT_GUARD, guardrails.outputStage());
        }
    }

    /**
     * The LLM-as-judge guardrail's call: a chat request through the router (so routing and fallbacks
     * apply), logged in the request log as {@code <request id>-judge}, with its cost.
     */
    private static String judge(Pipeline pipeline, RequestLogger log, String model, String system, String user,
                                String parentRequestId) {
        Exchange ex = new Exchange(parentRequestId + "-judge", Exchange.Operation.CHAT, Map.of());
        ex.chat(new ChatRequest(model, List.of(ChatMessage.of("system", system), ChatMessage.of("user", user)), false,
                false, null, null, Json.object().put("type", "json_object"), null, null, null, 0.0, null, null, 200, null,
                null, null));
        ex.onComplete(log);
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

    @Override
    public void close() {
        if (guardrails != null) {
            guardrails.close();
        }
    }
}
