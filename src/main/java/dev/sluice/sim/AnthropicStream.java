package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a message the way Anthropic does: message_start, then per content block
 * content_block_start (a ping after the first), deltas ({@code text_delta} per piece or
 * {@code input_json_delta} fragments of a tool's input) and content_block_stop; then
 * message_delta with the stop reason and output tokens, then message_stop.
 */
final class AnthropicStream {
    private static final String DELTA = "content_block_delta";

    private AnthropicStream() {}

    static void send(HttpCall res, AnthropicJson.Answer answer, Faults faults) {
        SseWriter.send(res, "text/event-stream; charset=utf-8", events(answer), faults);
    }

    static List<SseWriter.Event> events(AnthropicJson.Answer answer) {
        List<SseWriter.Event> events = new ArrayList<>();
        events.add(control("message_start", AnthropicJson.messageStart(answer)));
        switch (answer.reply()) {
            case SimReply.Text text -> {
                events.add(control("content_block_start", AnthropicJson.textBlockStart(0)));
                events.add(control("ping", AnthropicJson.simple("ping")));
                for (String piece : text.pieces()) {
                    events.add(content(AnthropicJson.delta(0, "text_delta", "text", piece)));
                }
                events.add(closing("content_block_stop", AnthropicJson.blockStop(0)));
            }
            case SimReply.ToolCalls calls -> {
                for (int i = 0; i < calls.calls().size(); i++) {
                    SimReply.Call call = calls.calls().get(i);
                    events.add(control("content_block_start", AnthropicJson.toolUseBlockStart(i, call)));
                    if (i == 0) {
                        events.add(control("ping", AnthropicJson.simple("ping")));
                    }
                    for (String fragment : Pieces.fragments(call.arguments())) {
                        events.add(content(AnthropicJson.delta(i, "input_json_delta", "partial_json", fragment)));
                    }
                    events.add(closing("content_block_stop", AnthropicJson.blockStop(i)));
                }
            }
        }
        events.add(closing("message_delta", AnthropicJson.messageDelta(answer.reply())));
        events.add(closing("message_stop", AnthropicJson.simple("message_stop")));
        return events;
    }

    private static SseWriter.Event control(String name, byte[] data) {
        return new SseWriter.Event(name, data, SseWriter.Kind.CONTROL);
    }

    private static SseWriter.Event content(byte[] data) {
        return new SseWriter.Event(DELTA, data, SseWriter.Kind.CONTENT);
    }

    private static SseWriter.Event closing(String name, byte[] data) {
        return new SseWriter.Event(name, data, SseWriter.Kind.CLOSING);
    }
}
