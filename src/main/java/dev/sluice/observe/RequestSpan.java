package dev.sluice.observe;

import dev.sluice.api.ChatRequest;
import dev.sluice.api.Usage;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.PromptUse;
import dev.sluice.pipeline.GuardEvent;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
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
     * span starts, so those inherit the team (see {@link StoreSpanProcessor}).
     */
    public void caller(dev.sluice.pipeline.Caller caller) {
        set(GenAi.KEY, caller.keyId());
        set(GenAi.TEAM, caller.team());
    }

    /** Names the span after the parsed request and records what was asked. */
    public void requested(Exchange ex) {
        String operation = ex.operation() == Exchange.Operation.CHAT ? "chat" : "embeddings";
        span.updateName(operation + " " + ex.requestedModel());
        span.setAttribute(GenAi.OPERATION, operation);
        span.setAttribute(GenAi.REQUEST_MODEL, ex.requestedModel());
        span.setAttribute(GenAi.STREAM, ex.streaming());
        if (ex.operation() == Exchange.Operation.CHAT) {
            ChatRequest r = ex.chat();
            if (r.maxOutputTokens() != null) {
                span.setAttribute(GenAi.REQUEST_MAX_TOKENS, (long) r.maxOutputTokens());
            }
            if (r.temperature() != null) {
                span.setAttribute(GenAi.REQUEST_TEMPERATURE, r.temperature());
            }
            if (r.topP() != null) {
                span.setAttribute(GenAi.REQUEST_TOP_P, r.topP());
            }
            if (r.seed() != null) {
                span.setAttribute(GenAi.REQUEST_SEED, r.seed());
            }
            if (r.n() != null) {
                span.setAttribute(GenAi.REQUEST_CHOICE_COUNT, (long) r.n());
            }
            if (!r.stop().isEmpty()) {
                span.setAttribute(GenAi.REQUEST_STOP, r.stop());
            }
            span.setAttribute(GenAi.OUTPUT_TYPE, r.responseFormatType().startsWith("json") ? "json" : "text");
        }
    }

    @Override
    public void completed(Exchange ex) {
        span.setAttribute(GenAi.REQUEST_ID, ex.requestId());
        PromptUse prompt = ex.prompt();
        if (prompt != null) {
            // the model may have come from the prompt, after the span was named
            span.updateName("chat " + ex.requestedModel());
            set(GenAi.REQUEST_MODEL, ex.requestedModel());
            span.setAttribute(GenAi.PROMPT, prompt.name());
            span.setAttribute(GenAi.PROMPT_VERSION, prompt.version());
            set(GenAi.EXPERIMENT, prompt.experiment());
            set(GenAi.VARIANT, prompt.variant());
        }
        span.setAttribute(GenAi.HTTP_STATUS, ex.status());
        set(GenAi.PROVIDER, ex.provider());
        set(GenAi.RESPONSE_MODEL, ex.upstreamModel());
        set(GenAi.RESPONSE_ID, ex.responseId());
        if (!ex.finishReasons().isEmpty()) {
            span.setAttribute(GenAi.FINISH_REASONS, List.copyOf(ex.finishReasons()));
        }
        Usage usage = ex.usage();
        if (usage != null) {
            span.setAttribute(GenAi.INPUT_TOKENS, usage.promptTokens());
            span.setAttribute(GenAi.OUTPUT_TOKENS, usage.completionTokens());
            if (usage.cachedTokens() > 0) {
                span.setAttribute(GenAi.CACHE_READ_TOKENS, usage.cachedTokens());
            }
        }
        set(GenAi.KEY, ex.caller().keyId());
        set(GenAi.TEAM, ex.caller().team());
        set(GenAi.END_USER, ex.caller().user());
        set(GenAi.SESSION, ex.sessionId());
        if (ex.costUsd() != null) {
            span.setAttribute(GenAi.COST, ex.costUsd());
        }
        set(GenAi.CACHE, ex.cacheStatus());
        if (ex.cacheSimilarity() != null) {
            span.setAttribute(GenAi.CACHE_SIMILARITY, ex.cacheSimilarity());
        }
        set(GenAi.ROUTE, ex.routeReason());
        set(GenAi.FALLBACK, ex.fallbackModel());
        span.setAttribute(GenAi.ATTEMPTS, ex.attempts().size());
        if (ex.ttftMillis() >= 0) {
            span.setAttribute(GenAi.TTFT_MS, ex.ttftMillis());
        }
        ex.tags().forEach((k, v) -> span.setAttribute("sluice.tag." + k.toLowerCase(Locale.ROOT), v));
        for (GuardEvent g : ex.guardEvents()) {
            span.addEvent(GenAi.GUARDRAIL_EVENT, guardrailAttributes(g));
        }
        if (ex.errorType() != null) {
            span.setAttribute(GenAi.ERROR_TYPE, ex.errorType());
            if (ex.status() >= 500) {
                span.setStatus(StatusCode.ERROR, ex.errorType());
            }
        }
        span.end();
    }

    /** One {@code gen_ai.guardrail} event: what fired, its verdict and score, what the policy did; never content. */
    static Attributes guardrailAttributes(GuardEvent g) {
        AttributesBuilder b = Attributes.builder()
                .put(GenAi.GUARDRAIL_NAME, g.name())
                .put(GenAi.GUARDRAIL_DIRECTION, g.direction())
                .put(GenAi.GUARDRAIL_VERDICT, g.verdict())
                .put(GenAi.GUARDRAIL_SCORE, g.score())
                .put(GenAi.GUARDRAIL_ACTION, g.action());
        if (g.detail() != null && !g.detail().isEmpty()) {
            b.put(GenAi.GUARDRAIL_DETAIL, g.detail());
        }
        return b.build();
    }

    private void set(io.opentelemetry.api.common.AttributeKey<String> key, String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }
}
