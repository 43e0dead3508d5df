package dev.sluice.route;

import dev.sluice.api.Usage;
import dev.sluice.provider.UpstreamException;
import dev.sluice.trace.Span;
import java.util.List;

/** What an upstream attempt's span records, in the OpenTelemetry GenAI conventions' names. */
final class AttemptSpan {
    static final String OPERATION = ("gen_ai.operation.name");
    static final String PROVIDER = ("gen_ai.provider.name");
    static final String REQUEST_MODEL = ("gen_ai.request.model");
    private static final String RESPONSE_ID = ("gen_ai.response.id");
    private static final String RESPONSE_MODEL = ("gen_ai.response.model");
    private static final String FINISH_REASONS = ("gen_ai.response.finish_reasons");
    private static final String INPUT_TOKENS = ("gen_ai.usage.input_tokens");
    private static final String OUTPUT_TOKENS = ("gen_ai.usage.output_tokens");
    private static final String ERROR_TYPE = ("error.type");
    private static final String UPSTREAM_STATUS = ("http.response.status_code");

    private AttemptSpan() {}

    static void answered(Span span, String responseId, String model, List<String> finishReasons, Usage usage) {
        if (responseId != null && !responseId.isEmpty()) {
            span.set(RESPONSE_ID, responseId);
        }
        if (model != null && !model.isEmpty()) {
            span.set(RESPONSE_MODEL, model);
        }
        if (!finishReasons.isEmpty()) {
            span.set(FINISH_REASONS, List.copyOf(finishReasons));
        }
        if (usage != null) {
            span.set(INPUT_TOKENS, usage.promptTokens());
            span.set(OUTPUT_TOKENS, usage.completionTokens());
        }
    }

    static void failed(Span span, UpstreamException e) {
        span.set(ERROR_TYPE, e.errorClass().label());
        if (e.upstreamStatus() > 0) {
            span.set(UPSTREAM_STATUS, e.upstreamStatus());
        }
        span.error(e.errorClass().label());
    }

    /** A stream that broke after it was handed to the client. */
    static void brokeMidStream(Span span, RuntimeException e) {
        span.set(ERROR_TYPE, e instanceof UpstreamException u ? u.errorClass().label() : "internal_error");
        span.error("stream broke mid-way");
    }
}
