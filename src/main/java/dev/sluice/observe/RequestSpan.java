package dev.sluice.observe;

import dev.sluice.api.ChatRequest;
import dev.sluice.api.Usage;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.PromptUse;
import dev.sluice.pipeline.GuardEvent;
import dev.sluice.trace.GenAi;
import dev.sluice.trace.Span;
import java.util.List;
import java.util.Locale;

/**
 * The root span of a request: named {@code chat gpt-4o-mini} once the request is parsed, filled
 * with the GenAI request attributes, and with the response's (model, id, finish reasons, usage,
 * cost, cache, route, status) when the exchange completes, then ended.
 */
public final class RequestSpan implements Exchange.CompletionListener {
    private final Span span;

    public RequestSpan(Span span) {
        this.span = span;
    }

    public Span span() {
        return span;
    }

    /**
     * Stamps the authenticated caller's key and team as soon as they are known, before any stage
     * span starts, so those inherit the team (the store's team column, see {@link dev.sluice.trace.Tracer#TEAM}).
     */
    public void caller(dev.sluice.pipeline.Caller caller) {
        span.set(GenAi.KEY, caller.keyId());
        span.set(GenAi.TEAM, caller.team());
    }

    /** Names the span after the parsed request and records what was asked. */
    public void requested(Exchange ex) {
        if (!span.isRecording()) {
            return;
        }
        String operation = ex.operation() == Exchange.Operation.CHAT ? "chat" : "embeddings";
        span.updateName(operation + " " + ex.requestedModel());
        span.set(GenAi.OPERATION, operation);
        span.set(GenAi.REQUEST_MODEL, ex.requestedModel());
        span.set(GenAi.STREAM, ex.streaming());
        if (ex.operation() == Exchange.Operation.CHAT) {
            ChatRequest r = ex.chat();
            if (r.maxOutputTokens() != null) {
                span.set(GenAi.REQUEST_MAX_TOKENS, (long) r.maxOutputTokens());
            }
            if (r.temperature() != null) {
                span.set(GenAi.REQUEST_TEMPERATURE, r.temperature());
            }
            if (r.topP() != null) {
                span.set(GenAi.REQUEST_TOP_P, r.topP());
            }
            if (r.seed() != null) {
                span.set(GenAi.REQUEST_SEED, r.seed());
            }
            if (r.n() != null) {
                span.set(GenAi.REQUEST_CHOICE_COUNT, (long) r.n());
            }
            if (!r.stop().isEmpty()) {
                span.set(GenAi.REQUEST_STOP, r.stop());
            }
            span.set(GenAi.OUTPUT_TYPE, r.responseFormatType().startsWith("json") ? "json" : "text");
        }
    }

    @Override
    public void completed(Exchange ex) {
        if (!span.isRecording()) {
            return;
        }
        span.set(GenAi.REQUEST_ID, ex.requestId());
        PromptUse prompt = ex.prompt();
        if (prompt != null) {
            // the model may have come from the prompt or a split, after the span was named
            span.updateName("chat " + ex.requestedModel());
            span.set(GenAi.REQUEST_MODEL, ex.requestedModel());
            if (prompt.hasPrompt()) {
                span.set(GenAi.PROMPT, prompt.name());
                span.set(GenAi.PROMPT_VERSION, prompt.version());
            }
            span.set(GenAi.EXPERIMENT, prompt.experiment());
            span.set(GenAi.VARIANT, prompt.variant());
        }
        span.set(GenAi.HTTP_STATUS, ex.status());
        span.set(GenAi.PROVIDER, ex.provider());
        span.set(GenAi.RESPONSE_MODEL, ex.upstreamModel());
        span.set(GenAi.RESPONSE_ID, ex.responseId());
        if (!ex.finishReasons().isEmpty()) {
            span.set(GenAi.FINISH_REASONS, List.copyOf(ex.finishReasons()));
        }
        Usage usage = ex.usage();
        if (usage != null) {
            span.set(GenAi.INPUT_TOKENS, usage.promptTokens());
            span.set(GenAi.OUTPUT_TOKENS, usage.completionTokens());
            if (usage.cachedTokens() > 0) {
                span.set(GenAi.CACHE_READ_TOKENS, usage.cachedTokens());
            }
        }
        span.set(GenAi.KEY, ex.caller().keyId());
        span.set(GenAi.TEAM, ex.caller().team());
        span.set(GenAi.END_USER, ex.caller().user());
        span.set(GenAi.SESSION, ex.sessionId());
        if (ex.costUsd() != null) {
            span.set(GenAi.COST, ex.costUsd());
        }
        span.set(GenAi.CACHE, ex.cacheStatus());
        if (ex.cacheSimilarity() != null) {
            span.set(GenAi.CACHE_SIMILARITY, ex.cacheSimilarity());
        }
        span.set(GenAi.ROUTE, ex.routeReason());
        span.set(GenAi.FALLBACK, ex.fallbackModel());
        span.set(GenAi.ATTEMPTS, ex.attempts().size());
        if (ex.ttftMillis() >= 0) {
            span.set(GenAi.TTFT_MS, ex.ttftMillis());
        }
        ex.tags().forEach((k, v) -> span.set("sluice.tag." + k.toLowerCase(Locale.ROOT), v));
        for (GuardEvent g : ex.guardEvents()) {
            span.addEvent(GenAi.GUARDRAIL_EVENT, guardrailAttributes(g));
        }
        if (ex.errorType() != null) {
            span.set(GenAi.ERROR_TYPE, ex.errorType());
            if (ex.status() >= 500) {
                span.error(ex.errorType());
            }
        }
        span.end();
    }

    /** One {@code gen_ai.guardrail} event: what fired, its verdict and score, what the policy did; never content. */
    static Span.Attributes guardrailAttributes(GuardEvent g) {
        Span.Attributes a = new Span.Attributes()
                .put(GenAi.GUARDRAIL_NAME, g.name())
                .put(GenAi.GUARDRAIL_DIRECTION, g.direction())
                .put(GenAi.GUARDRAIL_VERDICT, g.verdict())
                .put(GenAi.GUARDRAIL_SCORE, g.score())
                .put(GenAi.GUARDRAIL_ACTION, g.action());
        if (g.detail() != null && !g.detail().isEmpty()) {
            a.put(GenAi.GUARDRAIL_DETAIL, g.detail());
        }
        return a;
    }

}
