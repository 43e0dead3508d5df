package dev.sluice.route;

import dev.sluice.api.Usage;
import dev.sluice.provider.UpstreamException;
import dev.sluice.trace.GenAi;
import dev.sluice.trace.Span;
import java.util.List;

/** What an upstream attempt's span records, in the OpenTelemetry GenAI conventions' names. */
final class AttemptSpan {
    private AttemptSpan() {}

    static void answered(Span span, String responseId, String model, List<String> finishReasons, Usage usage) {
        if (responseId != null && !responseId.isEmpty()) {
            span.set(GenAi.RESPONSE_ID, responseId);
        }
        if (model != null && !model.isEmpty()) {
            span.set(GenAi.RESPONSE_MODEL, model);
        }
        if (!finishReasons.isEmpty()) {
            span.set(GenAi.FINISH_REASONS, List.copyOf(finishReasons));
        }
        if (usage != null) {
            span.set(GenAi.INPUT_TOKENS, usage.promptTokens());
            span.set(GenAi.OUTPUT_TOKENS, usage.completionTokens());
        }
    }

    static void failed(Span span, UpstreamException e) {
        span.set(GenAi.ERROR_TYPE, e.errorClass().label());
        if (e.upstreamStatus() > 0) {
            span.set(GenAi.HTTP_STATUS, e.upstreamStatus());
        }
        span.error(e.errorClass().label());
    }

    /** A stream that broke after it was handed to the client. */
    static void brokeMidStream(Span span, RuntimeException e) {
        span.set(GenAi.ERROR_TYPE, e instanceof UpstreamException u ? u.errorClass().label() : "internal_error");
        span.error("stream broke mid-way");
    }
}
