package dev.sluice.trace;

/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions, and Sluice's own. Span names
 * follow the convention too: {@code {gen_ai.operation.name} {gen_ai.request.model}}.
 */
public final class GenAi {
    public static final String OPERATION = "gen_ai.operation.name";
    public static final String PROVIDER = "gen_ai.provider.name";
    public static final String REQUEST_MODEL = "gen_ai.request.model";
    public static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
    public static final String REQUEST_TEMPERATURE = "gen_ai.request.temperature";
    public static final String REQUEST_TOP_P = "gen_ai.request.top_p";
    public static final String REQUEST_SEED = "gen_ai.request.seed";
    public static final String REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count";
    public static final String REQUEST_STOP = "gen_ai.request.stop_sequences";
    public static final String OUTPUT_TYPE = "gen_ai.output.type";
    public static final String RESPONSE_ID = "gen_ai.response.id";
    public static final String RESPONSE_MODEL = "gen_ai.response.model";
    public static final String FINISH_REASONS = "gen_ai.response.finish_reasons";
    public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    public static final String CACHE_READ_TOKENS = "gen_ai.usage.cache_read.input_tokens";
    public static final String ERROR_TYPE = "error.type";
    public static final String HTTP_STATUS = "http.response.status_code";
    public static final String SESSION = "session.id";
    public static final String END_USER = "enduser.id";

    public static final String REQUEST_ID = "sluice.request_id";
    public static final String KEY = "sluice.key.id";
    public static final String TEAM = Tracer.TEAM;
    public static final String COST = "sluice.cost_usd";
    public static final String CACHE = "sluice.cache.status";
    public static final String CACHE_SIMILARITY = "sluice.cache.similarity";
    public static final String ROUTE = "sluice.route.reason";
    public static final String FALLBACK = "sluice.fallback.model";
    public static final String ATTEMPTS = "sluice.attempts";
    public static final String TTFT_MS = "sluice.ttft_ms";
    public static final String STREAM = "sluice.stream";
    public static final String PROMPT = "sluice.prompt.name";
    public static final String PROMPT_VERSION = "sluice.prompt.version";
    public static final String EXPERIMENT = "sluice.experiment.id";
    public static final String VARIANT = "sluice.experiment.variant";

    // guardrail triggers, one span event each (named after the proposed gen_ai.guardrail event)
    public static final String GUARDRAIL_EVENT = "gen_ai.guardrail";
    public static final String GUARDRAIL_NAME = "gen_ai.guardrail.name";
    public static final String GUARDRAIL_DIRECTION = "gen_ai.guardrail.direction";
    public static final String GUARDRAIL_VERDICT = "gen_ai.guardrail.verdict";
    public static final String GUARDRAIL_SCORE = "gen_ai.guardrail.score";
    public static final String GUARDRAIL_ACTION = "gen_ai.guardrail.action";
    public static final String GUARDRAIL_DETAIL = "gen_ai.guardrail.detail";

    private GenAi() {}
}
