package dev.sluice.route;

import dev.sluice.api.Usage;
import dev.sluice.provider.UpstreamException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.List;

/** What an upstream attempt's span records, in the OpenTelemetry GenAI conventions' names. */
final class AttemptSpan {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    private static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    private static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<Long> UPSTREAM_STATUS = AttributeKey.longKey("http.response.status_code");

    private AttemptSpan() {}

    static void answered(Span span, String responseId, String model, List<String> finishReasons, Usage usage) {
        if (responseId != null && !responseId.isEmpty()) {
            span.setAttribute(RESPONSE_ID, responseId);
        }
        if (model != null && !model.isEmpty()) {
            span.setAttribute(RESPONSE_MODEL, model);
        }
        if (!finishReasons.isEmpty()) {
            span.setAttribute(FINISH_REASONS, List.copyOf(finishReasons));
        }
        if (usage != null) {
            span.setAttribute(INPUT_TOKENS, usage.promptTokens());
            span.setAttribute(OUTPUT_TOKENS, usage.completionTokens());
        }
    }

    static void failed(Span span, UpstreamException e) {
        span.setAttribute(ERROR_TYPE, e.errorClass().label());
        if (e.upstreamStatus() > 0) {
            span.setAttribute(UPSTREAM_STATUS, e.upstreamStatus());
        }
        span.setStatus(StatusCode.ERROR, e.errorClass().label());
    }

    /** A stream that broke after it was handed to the client. */
    static void brokeMidStream(Span span, RuntimeException e) {
        span.setAttribute(ERROR_TYPE, e instanceof UpstreamException u ? u.errorClass().label() : "internal_error");
        span.setStatus(StatusCode.ERROR, "stream broke mid-way");
    }
}
