package dev.sluice.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.PromptUse;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.prompts.rollout.StickyKey;
import dev.sluice.prompts.rollout.TrafficSplits;
import dev.sluice.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a stored prompt into the request (slot {@code PROMPT}, after auth, before limits count
 * tokens, guards scan and the cache keys the request). A chat request carrying
 * {@code "prompt": {"id", "version" | "label", "variables"}} gets the version's messages before its
 * own, and the version's model and parameters wherever it set none. When the reference is a label
 * with a split running on it (an A/B experiment or a canary), the request's sticky key picks the
 * version. The exchange records the prompt, version and arm (request log, span, metrics), and the
 * answer carries {@code x-sluice-prompt: NAME@VERSION} (and {@code x-sluice-variant} in a split).
 * Requests without {@code prompt} pass through untouched.
 */
public final class PromptStage implements Stage {
    public static final String HEADER = "x-sluice-prompt";
    public static final String VARIANT_HEADER = "x-sluice-variant";
    private static final Logger LOG = LoggerFactory.getLogger(PromptStage.class);

    /** Sees every chat request once the pipeline answered it (shadow traffic), off the answer's path. */
    @FunctionalInterface
    public interface Tap {
        /**
         * @param original the client's request as it arrived (with its {@code prompt} field)
         * @param call     its stored prompt reference, or null for a request without one
         * @return the reply to send (the same, or a stream wrapped to see the answer go by); never slower
         */
        Reply served(Exchange ex, ChatRequest original, PromptCall call, Reply reply);
    }

    private final PromptResolver resolver;
    private final PromptRenderer renderer;
    private final TrafficSplits splits;
    private final Tap tap;

    public PromptStage(PromptResolver resolver, PromptRenderer renderer, TrafficSplits splits, Tap tap) {
        this.resolver = resolver;
        this.renderer = renderer;
        this.splits = splits;
        this.tap = tap;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ChatRequest original = ex.operation() == Exchange.Operation.CHAT ? ex.chat() : null;
        JsonNode field = original == null || original.extra() == null ? null : original.extra().get(ChatRequestCodec.PROMPT);
        if (field == null || field.isNull()) {
            if (original != null && original.model() == null) {
                return Reply.fail(SluiceException.missing("model"));
            }
            Reply reply = next.proceed(ex);
            return original == null ? reply : tapped(ex, original, null, reply);
        }
        PromptCall call;
        try {
            call = PromptCall.parse(field);
            Prompt prompt = resolver.prompt(call.name());
            String label = call.label();
            if (call.version() == null && label == null) {
                label = prompt.labels().containsKey(PromptCall.DEFAULT_LABEL) ? PromptCall.DEFAULT_LABEL : PromptNames.LATEST;
            }
            TrafficSplits.Arm arm = label == null ? null : splits.assign(subject(call.name()), label, stickyKey(ex));
            int number = arm != null ? Integer.parseInt(arm.target())
                    : call.version() != null ? call.version() : resolver.labelled(prompt, label);
            PromptVersion version = resolver.version(prompt, number);
            ChatRequest rendered = PromptRequests.apply(original, version, call.variables(), renderer);
            Caller caller = ex.caller();
            if (!caller.mayUse(rendered.model())) {
                return Reply.fail(SluiceException.forbidden("model_not_allowed", "The API key " + caller.keyId()
                        + " may not use the model '" + rendered.model() + "' that the prompt " + version.ref()
                        + " is written for. It may use: " + String.join(", ", caller.allowedModels()) + "."));
            }
            ex.chat(rendered);
            ex.prompt(new PromptUse(prompt.name(), version.version(), arm == null ? null : arm.experiment(),
                    arm == null ? null : arm.variant(), arm == null ? null : arm.window()));
            ex.responseHeader(HEADER, version.ref());
            if (arm != null) {
                ex.responseHeader(VARIANT_HEADER, arm.variant());
            }
            if (version.content().guardrailPolicy() != null) {
                ex.guardrailPolicy(version.content().guardrailPolicy());
            }
        } catch (SluiceException e) {
            return Reply.fail(e);
        } catch (StoreException e) {
            LOG.warn("request {}: the prompt could not be read from the store: {}", ex.requestId(), e.toString());
            return Reply.fail(SluiceException.unavailable("The prompt registry is unavailable right now; retry shortly."));
        }
        return tapped(ex, original, call, next.proceed(ex));
    }

    private Reply tapped(Exchange ex, ChatRequest original, PromptCall call, Reply reply) {
        if (tap == null) {
            return reply;
        }
        try {
            return tap.served(ex, original, call, reply);
        } catch (RuntimeException e) {
            LOG.warn("request {}: the shadow tap failed: {}", ex.requestId(), e.toString());
            return reply;
        }
    }

    /** The experiment subject of a prompt. */
    public static String subject(String promptName) {
        return "prompt:" + promptName;
    }

    /** The end user, else the session, else the key; else the request itself (not sticky: nothing to stick to). */
    static StickyKey stickyKey(Exchange ex) {
        StickyKey key = StickyKey.of(ex.caller().user(), ex.sessionId(), ex.caller().keyId());
        return key != null ? key : new StickyKey("request", ex.requestId());
    }
}
