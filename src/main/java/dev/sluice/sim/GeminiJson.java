package dev.sluice.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.api.Json;
import java.io.IOException;
import java.util.List;

/**
 * Gemini {@code GenerateContentResponse} JSON: the whole answer, and each streamed partial
 * answer, written with a generator. A candidate that called functions finishes with STOP, as
 * Gemini's do.
 */
final class GeminiJson {
    private GeminiJson() {}

    /** Identity and usage of one answer; {@code replies} are the candidates, by index. */
    record Answer(String responseId, String model, List<SimReply> replies, int promptTokens) {
        int candidatesTokens() {
            int total = 0;
            for (SimReply reply : replies) {
                total += reply.outputTokens();
            }
            return total;
        }
    }

    static String finishReason(SimReply.Finish finish) {
        return switch (finish) {
            case END, STOP_SEQUENCE, TOOL_CALLS -> "STOP";
            case LENGTH -> "MAX_TOKENS";
        };
    }

    /** The whole answer: every candidate with all its parts, a finish reason and the usage. */
    static byte[] response(Answer a) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("candidates");
            for (int i = 0; i < a.replies().size(); i++) {
                SimReply reply = a.replies().get(i);
                gen.writeStartObject();
                gen.writeObjectFieldStart("content");
                gen.writeArrayFieldStart("parts");
                switch (reply) {
                    case SimReply.Text text -> writeText(gen, text.text());
                    case SimReply.ToolCalls calls -> {
                        for (SimReply.Call call : calls.calls()) {
                            writeFunctionCall(gen, call);
                        }
                    }
                }
                gen.writeEndArray();
                gen.writeStringField("role", "model");
                gen.writeEndObject();
                gen.writeStringField("finishReason", finishReason(reply.finish()));
                gen.writeNumberField("index", i);
                gen.writeEndObject();
            }
            gen.writeEndArray();
            writeTail(gen, a, a.candidatesTokens());
            gen.writeEndObject();
        });
    }

    /** A streamed piece of candidate {@code index}'s text. */
    static byte[] textChunk(Answer a, int index, String piece) {
        return chunk(a, index, gen -> writeText(gen, piece), null, -1);
    }

    /** A streamed function call of candidate {@code index}: Gemini sends each call whole. */
    static byte[] functionCallChunk(Answer a, int index, SimReply.Call call) {
        return chunk(a, index, gen -> writeFunctionCall(gen, call), null, -1);
    }

    /** The last event of candidate {@code index}: an empty text part, the finish reason and the whole usage. */
    static byte[] finishChunk(Answer a, int index) {
        return chunk(a, index, gen -> writeText(gen, ""), finishReason(a.replies().get(index).finish()),
                a.candidatesTokens());
    }

    /** @param candidatesTokens the usage to report, or -1 for the prompt's alone (a stream's running count) */
    private static byte[] chunk(Answer a, int index, Json.Writer parts, String finishReason, int candidatesTokens) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("candidates");
            gen.writeStartObject();
            gen.writeObjectFieldStart("content");
            gen.writeArrayFieldStart("parts");
            parts.write(gen);
            gen.writeEndArray();
            gen.writeStringField("role", "model");
            gen.writeEndObject();
            if (finishReason != null) {
                gen.writeStringField("finishReason", finishReason);
            }
            gen.writeNumberField("index", index);
            gen.writeEndObject();
            gen.writeEndArray();
            writeTail(gen, a, candidatesTokens);
            gen.writeEndObject();
        });
    }

    private static void writeText(JsonGenerator gen, String text) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("text", text);
        gen.writeEndObject();
    }

    private static void writeFunctionCall(JsonGenerator gen, SimReply.Call call) throws IOException {
        gen.writeStartObject();
        gen.writeObjectFieldStart("functionCall");
        gen.writeStringField("name", call.name());
        gen.writeFieldName("args");
        gen.writeTree(call.input());
        gen.writeEndObject();
        gen.writeEndObject();
    }

    /** usageMetadata, modelVersion and responseId, which every (partial) answer carries. */
    private static void writeTail(JsonGenerator gen, Answer a, int candidatesTokens) throws IOException {
        gen.writeObjectFieldStart("usageMetadata");
        gen.writeNumberField("promptTokenCount", a.promptTokens());
        if (candidatesTokens >= 0) {
            gen.writeNumberField("candidatesTokenCount", candidatesTokens);
        }
        gen.writeNumberField("totalTokenCount", a.promptTokens() + Math.max(candidatesTokens, 0));
        gen.writeArrayFieldStart("promptTokensDetails");
        gen.writeStartObject();
        gen.writeStringField("modality", "TEXT");
        gen.writeNumberField("tokenCount", a.promptTokens());
        gen.writeEndObject();
        gen.writeEndArray();
        gen.writeEndObject();
        gen.writeStringField("modelVersion", a.model());
        gen.writeStringField("responseId", a.responseId());
    }

    /** The batchEmbedContents answer: {@code {"embeddings":[{"values":[...]}, ...]}}. */
    static byte[] embeddings(List<float[]> vectors) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("embeddings");
            for (float[] v : vectors) {
                writeValues(gen, v);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
    }

    /** The embedContent answer: {@code {"embedding":{"values":[...]}}}. */
    static byte[] embedding(float[] vector) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeFieldName("embedding");
            writeValues(gen, vector);
            gen.writeEndObject();
        });
    }

    private static void writeValues(JsonGenerator gen, float[] v) throws IOException {
        gen.writeStartObject();
        gen.writeArrayFieldStart("values");
        for (float f : v) {
            gen.writeNumber(f);
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }
}
