package dev.sluice.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.api.Json;
import java.io.IOException;

/** Anthropic Messages JSON: the whole message and every streaming event's data, written with a generator. */
final class AnthropicJson {
    private AnthropicJson() {}

    /** Identity and usage of one answer. */
    record Answer(String id, String model, SimReply reply, int inputTokens) {}

    static String stopReason(SimReply.Finish finish) {
        return switch (finish) {
            case END -> "end_turn";
            case LENGTH -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
            case TOOL_CALLS -> "tool_use";
        };
    }

    static byte[] message(Answer a) {
        return Json.write(gen -> {
            writeMessageHead(gen, a);
            gen.writeArrayFieldStart("content");
            switch (a.reply()) {
                case SimReply.Text text -> {
                    gen.writeStartObject();
                    gen.writeStringField("type", "text");
                    gen.writeStringField("text", text.text());
                    gen.writeEndObject();
                }
                case SimReply.ToolCalls calls -> {
                    for (SimReply.Call call : calls.calls()) {
                        writeToolUse(gen, call, true);
                    }
                }
            }
            gen.writeEndArray();
            gen.writeStringField("stop_reason", stopReason(a.reply().finish()));
            writeStopSequence(gen, a.reply());
            writeUsage(gen, a.inputTokens(), a.reply().outputTokens());
            gen.writeEndObject();
        });
    }

    /** message_start: the message with no content yet and, as Anthropic sends, output_tokens 1. */
    static byte[] messageStart(Answer a) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("type", "message_start");
            gen.writeFieldName("message");
            writeMessageHead(gen, a);
            gen.writeArrayFieldStart("content");
            gen.writeEndArray();
            gen.writeNullField("stop_reason");
            gen.writeNullField("stop_sequence");
            writeUsage(gen, a.inputTokens(), 1);
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    static byte[] textBlockStart(int index) {
        return Json.write(gen -> {
            blockEventHead(gen, "content_block_start", index);
            gen.writeObjectFieldStart("content_block");
            gen.writeStringField("type", "text");
            gen.writeStringField("text", "");
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    static byte[] toolUseBlockStart(int index, SimReply.Call call) {
        return Json.write(gen -> {
            blockEventHead(gen, "content_block_start", index);
            gen.writeFieldName("content_block");
            writeToolUse(gen, call, false);
            gen.writeEndObject();
        });
    }

    static byte[] delta(int index, String deltaType, String field, String value) {
        return Json.write(gen -> {
            blockEventHead(gen, "content_block_delta", index);
            gen.writeObjectFieldStart("delta");
            gen.writeStringField("type", deltaType);
            gen.writeStringField(field, value);
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    static byte[] blockStop(int index) {
        return Json.write(gen -> {
            blockEventHead(gen, "content_block_stop", index);
            gen.writeEndObject();
        });
    }

    static byte[] messageDelta(SimReply reply) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("type", "message_delta");
            gen.writeObjectFieldStart("delta");
            gen.writeStringField("stop_reason", stopReason(reply.finish()));
            writeStopSequence(gen, reply);
            gen.writeEndObject();
            gen.writeObjectFieldStart("usage");
            gen.writeNumberField("output_tokens", reply.outputTokens());
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    static byte[] simple(String type) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("type", type);
            gen.writeEndObject();
        });
    }

    private static void writeMessageHead(JsonGenerator gen, Answer a) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", a.id());
        gen.writeStringField("type", "message");
        gen.writeStringField("role", "assistant");
        gen.writeStringField("model", a.model());
    }

    private static void blockEventHead(JsonGenerator gen, String type, int index) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("type", type);
        gen.writeNumberField("index", index);
    }

    /** A tool_use block; in a stream's content_block_start its input is empty and arrives in deltas. */
    private static void writeToolUse(JsonGenerator gen, SimReply.Call call, boolean withInput) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("type", "tool_use");
        gen.writeStringField("id", call.id());
        gen.writeStringField("name", call.name());
        gen.writeFieldName("input");
        if (withInput) {
            gen.writeTree(call.input());
        } else {
            gen.writeStartObject();
            gen.writeEndObject();
        }
        gen.writeEndObject();
    }

    private static void writeStopSequence(JsonGenerator gen, SimReply reply) throws IOException {
        if (reply instanceof SimReply.Text text && text.stopSequence() != null) {
            gen.writeStringField("stop_sequence", text.stopSequence());
        } else {
            gen.writeNullField("stop_sequence");
        }
    }

    private static void writeUsage(JsonGenerator gen, int input, int output) throws IOException {
        gen.writeObjectFieldStart("usage");
        gen.writeNumberField("input_tokens", input);
        gen.writeNumberField("cache_creation_input_tokens", 0);
        gen.writeNumberField("cache_read_input_tokens", 0);
        gen.writeNumberField("output_tokens", output);
        gen.writeEndObject();
    }
}
