package dev.sluice.app;

import dev.sluice.config.GuardrailsConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.Guardrails;
import dev.sluice.observe.RequestLogger;
import dev.sluice.pipeline.Pipeline;

/**
 * {@code guardrails:}: the input guard ({@link Slot#INPUT_GUARD}) and output guard
 * ({@link Slot#OUTPUT_GUARD}), when any policy is configured. The LLM-as-judge scanner calls its
 * model through the router, logged in the request log like any other call.
 */
final class GuardrailsModule implements Module {
    private final Guardrails guardrails;

    /** @param direct the pipeline the LLM judge's calls go through (the router of the newest config) */
    GuardrailsModule(GuardrailsConfig config, Embedder embedder, Pipeline direct, StoreModule store) {
        RequestLogger log = store.requestLogger();
        this.guardrails = Guardrails.create(config, () -> embedder,
                (model, system, user, parent) -> ModelCalls.judge(direct, log, model, system, user, parent, "judge", usd -> { }));
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

    @Override
    public void close() {
        if (guardrails != null) {
            guardrails.close();
        }
    }
}
