package dev.sluice.observe;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions, and Sluice's own. Span names
 * follow the convention too: {@code {gen_ai.operation.name} {gen_ai.request.model}}.
 */
public final class GenAi {
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    public static final AttributeKey<Double> REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    public static final AttributeKey<Double> REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    public static final AttributeKey<Long> REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");
    public static final AttributeKey<Long> REQUEST_CHOICE_COUNT = AttributeKey.longKey("gen_ai.request.choice.count");
    public static final AttributeKey<List<String>> REQUEST_STOP = AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
    public static final AttributeKey<String> OUTPUT_TYPE = AttributeKey.stringKey("gen_ai.output.type");
    public static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> SESSION = AttributeKey.stringKey("session.id");
    public static final AttributeKey<String> END_USER = AttributeKey.stringKey("enduser.id");

    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("sluice.request_id");
    public static final AttributeKey<String> KEY = AttributeKey.stringKey("sluice.key.id");
    public static final AttributeKey<String> TEAM = AttributeKey.stringKey("sluice.team");
    public static final AttributeKey<Double> COST = AttributeKey.doubleKey("sluice.cost_usd");
    public static final AttributeKey<String> CACHE = AttributeKey.stringKey("sluice.cache.status");
    public static final AttributeKey<Double> CACHE_SIMILARITY = AttributeKey.doubleKey("sluice.cache.similarity");
    public static final AttributeKey<String> ROUTE = AttributeKey.stringKey("sluice.route.reason");
    public static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("sluice.fallback.model");
    public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("sluice.attempts");
    public static final AttributeKey<Long> TTFT_MS = AttributeKey.longKey("sluice.ttft_ms");
    public static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("sluice.stream");
    public static final AttributeKey<String> PROMPT = AttributeKey.stringKey("sluice.prompt.name");
    public static final AttributeKey<Long> PROMPT_VERSION = AttributeKey.longKey("sluice.prompt.version");
    public static final AttributeKey<String> EXPERIMENT = AttributeKey.stringKey("sluice.experiment.id");
    public static final AttributeKey<String> VARIANT = AttributeKey.stringKey("sluice.experiment.variant");

    // guardrail triggers, one span event each (named after the proposed gen_ai.guardrail event)
    public static final String GUARDRAIL_EVENT = "gen_ai.guardrail";
    public static final AttributeKey<String> GUARDRAIL_NAME = AttributeKey.stringKey("gen_ai.guardrail.name");
    public static final AttributeKey<String> GUARDRAIL_DIRECTION = AttributeKey.stringKey("gen_ai.guardrail.direction");
    public static final AttributeKey<String> GUARDRAIL_VERDICT = AttributeKey.stringKey("gen_ai.guardrail.verdict");
    public static final AttributeKey<Double> GUARDRAIL_SCORE = AttributeKey.doubleKey("gen_ai.guardrail.score");
    public static final AttributeKey<String> GUARDRAIL_ACTION = AttributeKey.stringKey("gen_ai.guardrail.action");
    public static final AttributeKey<String> GUARDRAIL_DETAIL = AttributeKey.stringKey("gen_ai.guardrail.detail");

    private GenAi() {}
}
