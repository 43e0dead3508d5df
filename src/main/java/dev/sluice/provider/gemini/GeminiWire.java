package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Usage;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The small, fixed vocabulary of Google's Gemini API ({@value #API_VERSION}: {@code generateContent},
 * {@code streamGenerateContent?alt=sse}, {@code batchEmbedContents}) and the value mappings the
 * request, response and stream translators share. Constants and pure functions only.
 */
final class GeminiWire {
    static final String API_VERSION = "v1beta";
    static final String GENERATE = ":generateContent";
    static final String STREAM = ":streamGenerateContent?alt=sse";
    static final String BATCH_EMBED = ":batchEmbedContents";
    static final String API_KEY_HEADER = "x-goog-api-key";

    // roles
    static final String USER = "user";
    static final String MODEL = "model";

    // part fields
    static final String TEXT = "text";
    static final String INLINE_DATA = "inlineData";
    static final String FILE_DATA = "fileData";
    static final String FUNCTION_CALL = "functionCall";
    static final String FUNCTION_RESPONSE = "functionResponse";
    /** Marks a part as the model's thinking (a thought summary), which has no canonical place. */
    static final String THOUGHT = "thought";
    static final String THOUGHT_SIGNATURE = "thoughtSignature";
    /**
     * The placeholder Google documents for function calls whose real thought signature is not
     * available (https://ai.google.dev/gemini-api/docs/thought-signatures). Gemini 3 models reject
     * a conversation whose function calls carry no signature; OpenAI's format has nowhere to keep
     * the real one, so the calls a client sends back carry this instead. The model then continues
     * without its earlier reasoning state, which Google says may cost some quality.
     */
    static final String SKIP_SIGNATURE_VALIDATION = "skip_thought_signature_validator";

    /** Finish reasons that mean the answer was stopped by a safety or policy filter. */
    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
            "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private GeminiWire() {}

    /**
     * Gemini's {@code finishReason} as an OpenAI {@code finish_reason}. Gemini ends a turn that
     * called functions with STOP, so a candidate with function calls finishes as "tool_calls"
     * unless a cap or a filter stopped it. Reasons without an OpenAI equivalent
     * (MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER, reasons added later) end as "stop". Null stays
     * null (the candidate is still being streamed).
     */
    static String finishReason(String reason, boolean hasToolCalls) {
        if (reason == null || reason.isEmpty()) {
            return null;
        }
        if (reason.equals("MAX_TOKENS")) {
            return "length";
        }
        if (FILTERED.contains(reason)) {
            return "content_filter";
        }
        return hasToolCalls ? "tool_calls" : "stop";
    }

    /**
     * Gemini's {@code usageMetadata}. Gemini counts thinking tokens apart from the candidates'
     * tokens and tool-use prompt tokens apart from the prompt; OpenAI counts reasoning inside
     * {@code completion_tokens} and everything the model read inside {@code prompt_tokens}.
     */
    record GeminiUsage(int promptTokens, int candidatesTokens, int totalTokens, int cachedTokens, int thoughtsTokens,
                       int toolUsePromptTokens) {
        static final GeminiUsage NONE = new GeminiUsage(0, 0, 0, 0, 0, 0);

        static GeminiUsage read(JsonNode usage) {
            if (usage == null || !usage.isObject()) {
                return NONE;
            }
            return new GeminiUsage(usage.path("promptTokenCount").asInt(0), usage.path("candidatesTokenCount").asInt(0),
                    usage.path("totalTokenCount").asInt(0), usage.path("cachedContentTokenCount").asInt(0),
                    usage.path("thoughtsTokenCount").asInt(0), usage.path("toolUsePromptTokenCount").asInt(0));
        }

        Usage toCanonical() {
            int prompt = promptTokens + toolUsePromptTokens;
            int completion = candidatesTokens + thoughtsTokens;
            int total = totalTokens > 0 ? totalTokens : prompt + completion;
            return new Usage(prompt, completion, total, cachedTokens, thoughtsTokens);
        }
    }

    /**
     * Where made-up ids come from. Gemini does not identify function calls, but OpenAI clients
     * need an id to answer each one, so the gateway makes them up ({@code call_} + 24 random
     * base62 characters, the shape of OpenAI's); likewise a response id when Gemini sends no
     * {@code responseId}. Tests pass a predictable source.
     */
    @FunctionalInterface
    interface Ids {
        /** A fresh id starting with {@code prefix}, e.g. {@code call_} or {@code chatcmpl-}. */
        String next(String prefix);

        /**
         * Random ids from {@link ThreadLocalRandom}: unique enough to tell calls apart, and cheap
         * (they are labels, not secrets, so no SecureRandom on the hot path).
         */
        static Ids random() {
            return prefix -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                char[] id = new char[24];
                long bits = 0;
                for (int i = 0; i < id.length; i++) {
                    if (i % 10 == 0) {
                        bits = random.nextLong() >>> 4; // 60 bits: ten base-62 digits of 6 bits each
                    }
                    id[i] = BASE62.charAt((int) ((bits & 0x3F) % 62));
                    bits >>>= 6;
                }
                return prefix + new String(id);
            };
        }
    }
}
