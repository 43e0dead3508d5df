package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Usage;

/**
 * The small, fixed vocabulary of Anthropic's Messages API ({@code POST /v1/messages}, version
 * {@value #API_VERSION}) and the few value mappings shared by the request, response and stream
 * translators. Everything here is a constant or a pure function.
 */
final class AnthropicWire {
    static final String API_VERSION = "2023-06-01";

    /** Anthropic requires {@code max_tokens}; this is sent when the client did not say. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    /** Anthropic's temperature range is 0..1 (OpenAI's is 0..2). */
    static final double MAX_TEMPERATURE = 1.0;

    // stream event types
    static final String MESSAGE_START = "message_start";
    static final String CONTENT_BLOCK_START = "content_block_start";
    static final String CONTENT_BLOCK_DELTA = "content_block_delta";
    static final String CONTENT_BLOCK_STOP = "content_block_stop";
    static final String MESSAGE_DELTA = "message_delta";
    static final String MESSAGE_STOP = "message_stop";
    static final String PING = "ping";
    static final String ERROR = "error";

    // content block and delta types
    static final String TEXT = "text";
    static final String TOOL_USE = "tool_use";
    static final String TOOL_RESULT = "tool_result";
    static final String TEXT_DELTA = "text_delta";
    static final String INPUT_JSON_DELTA = "input_json_delta";

    private AnthropicWire() {}

    /**
     * Anthropic's {@code stop_reason} as an OpenAI {@code finish_reason}. {@code pause_turn} (a
     * server tool paused a long turn) has no OpenAI equivalent and ends the turn as "stop";
     * unknown future reasons do too. Null stays null.
     */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence", "pause_turn" -> "stop";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * The HTTP status Anthropic uses for an error type; for errors that arrive inside a 200
     * stream, where the type is all there is. 0 for types this code does not know.
     */
    static int statusOf(String errorType) {
        return switch (errorType) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "api_error" -> 500;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 0;
        };
    }

    /**
     * Anthropic's {@code usage} object. Anthropic counts cached prompt tokens apart from
     * {@code input_tokens}; OpenAI counts them inside {@code prompt_tokens}.
     */
    record AnthropicUsage(int inputTokens, int outputTokens, int cacheReadTokens, int cacheCreationTokens) {
        static final AnthropicUsage NONE = new AnthropicUsage(0, 0, 0, 0);

        static AnthropicUsage read(JsonNode usage) {
            if (usage == null || !usage.isObject()) {
                return NONE;
            }
            return new AnthropicUsage(usage.path("input_tokens").asInt(0), usage.path("output_tokens").asInt(0),
                    usage.path("cache_read_input_tokens").asInt(0), usage.path("cache_creation_input_tokens").asInt(0));
        }

        /**
         * This usage updated by a later report of the same message (a stream's message_delta):
         * fields the update carries (non-zero) win, since Anthropic's counts are cumulative.
         */
        AnthropicUsage updatedBy(AnthropicUsage later) {
            return new AnthropicUsage(later.inputTokens > 0 ? later.inputTokens : inputTokens,
                    later.outputTokens > 0 ? later.outputTokens : outputTokens,
                    later.cacheReadTokens > 0 ? later.cacheReadTokens : cacheReadTokens,
                    later.cacheCreationTokens > 0 ? later.cacheCreationTokens : cacheCreationTokens);
        }

        Usage toCanonical() {
            int prompt = inputTokens + cacheReadTokens + cacheCreationTokens;
            return new Usage(prompt, outputTokens, prompt + outputTokens, cacheReadTokens, 0);
        }
    }
}
